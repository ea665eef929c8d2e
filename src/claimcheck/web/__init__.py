"""`claimcheck serve`: a local web page to check a passage, a file or a URL, and to browse stores.

app.py      the Flask application: routes, security headers, one-line errors
inputs.py   form fields -> a Document (paste, upload, URL) or a store path, with size and time bounds
checking.py one Checker, built at first use and shared by all requests
annotate.py the checked text cut into runs, each marked with the finding that covers it
stores.py   read-only browsing of a store (rankings by domain, page and rule; one stored page)
server.py   the local HTTP server (werkzeug): bind, quiet request log, the URL to open
The pages reuse the report's partials (render/templates/_document.html); nothing loads from the network.
"""

from claimcheck.web.app import create_app

__all__ = ["create_app"]
