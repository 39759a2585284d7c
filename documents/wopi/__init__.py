"""Thrive as a WOPI host: case documents edited in the browser by an online office editor
(Collabora Online, ONLYOFFICE, Microsoft 365) and saved back as new versions.

The editor's server calls Thrive's /wopi/files/<id> endpoints (views.py) with an access
token (tokens.py) that names one document and one person, signed with the editor's proof
key when it has one (proofs.py); the host page (host.py) issues the token and frames the
editor's action URL, which discovery.py reads from the editor's discovery XML with its proof
keys. One editor at a time: the editor's lock (locks.py) makes Thrive's own Upload new
version, moving and Delete wait until it is released or expires."""
