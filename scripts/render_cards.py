"""Write the reader's page beside each shipped model card: src/hopnet/weights/<name>.md from <name>.json.

    python scripts/render_cards.py

Run it after any card in src/hopnet/weights/ is written (a refit conductor card,
a newly shipped model); tests/test_project.py fails while a page differs from
what its card renders. The renderer is ``hopnet.workflows.card_page``.
"""
from __future__ import annotations

from hopnet.workflows.card_page import card_page, page_path, shipped_cards


def main() -> None:
    for card in shipped_cards():
        page = page_path(card)
        page.write_text(card_page(card))
        print(page)


if __name__ == "__main__":
    main()
