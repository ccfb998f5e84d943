"""The workflow engine: pure Python, importing neither Flask nor SQLAlchemy nor the application.

``workflows.engine`` loads and validates the TOML definitions in ``workflows/definitions/`` and answers
which transitions an actor may fire; ``workflows.diagram`` draws a workflow as SVG;
``workflows.messages`` holds ``Msg``, the translatable Vietnamese sentence the engine (and the
application's services) build for people, and the Babel extractor of the definitions' labels.
"""
