"""The named cleaning steps: one module each, each `run(root, doc, **params) -> int` (nodes changed)
and a `Params` dataclass declaring the parameters a rule file may give it (clean/rulefile.py)."""
from . import (
    captions_to_figures, decode_cf_email, drop_date_blocks, drop_elements, drop_empty, drop_hidden,
    drop_junk_containers, drop_link_lists, drop_meta_lines, drop_relative_times, drop_text_blocks, drop_title_repeat,
    drop_tracking_pixels, embeds_to_links, resolve_urls, truncate_at_heading, truncate_at_text,
    unwrap_elements, unwrap_image_links, unwrap_image_proxies,
)

_MODULES = {
    module.__name__.rsplit(".", 1)[-1]: module
    for module in (
        captions_to_figures, decode_cf_email, drop_date_blocks, drop_elements, drop_empty, drop_hidden,
        drop_junk_containers, drop_link_lists, drop_meta_lines, drop_relative_times, drop_text_blocks, drop_title_repeat,
        drop_tracking_pixels, embeds_to_links, resolve_urls, truncate_at_heading, truncate_at_text,
        unwrap_elements, unwrap_image_links, unwrap_image_proxies,
    )
}
STEPS = {name: module.run for name, module in _MODULES.items()}
PARAMS = {name: module.Params for name, module in _MODULES.items()}
