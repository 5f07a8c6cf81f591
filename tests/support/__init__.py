"""What the tests share, and nothing else: no test lives here, and no test imports another test.

- `cli`: the `editorial` command run in this process (`run_cli`) or as a process (`run_editorial`)
- `clock`: the day every test runs on (EDITORIAL_TODAY), and what the sample project says on it
- `site_html`: the repository's sample project copied and built with `mkdocs build`; HTML read as nodes
- `gate_content`: approved and unpublishable articles for the publish-gate tests
- `gitrepos`: real git repositories with a registry and a policy on `main`; GitHub review objects
- `workflows`: the GitHub workflow files, read as GitHub reads them
- `browser`: Debian's Chromium through Playwright, a built site served over HTTP, a settled page
"""
