"""Secrets: references, redaction, the order credentials resolve in, and the service.

- ``references``: the ``{{secret_name.key}}`` grammar, the only one (stack files use it too);
- ``redaction``: what keeps secret values out of output and logs, and ``MASK``;
- ``values``: the one parser of ``--KEY=VALUE`` / ``--KEY=@FILE`` / ``--values``;
- ``stored``: the one serialiser of configs and settings to stored (and shown) form;
- ``resolution``: connector, then ``authentication_secret``, then a store's own fields;
- ``service``: ``Secrets``, what ``Client().secrets`` is.

Importing this package imports none of them.
"""
