"""Generated site pages. Placeholder: filled in by the article-page work."""


def add(build, files, config):
    return files


# Pages the plugin generates, by their URL in the built site. The audit treats them
# as known site pages (besides the Markdown pages in content/ outside articles/).
GENERATED_PAGES = {
    "board/": "The Medical Advisory Board (from content/people.yml)",
    "editorial-policy/": "How articles are reviewed (numbers from the plugin's options)",
}
