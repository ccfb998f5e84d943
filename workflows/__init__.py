"""The workflow engine: pure Python, importing neither Flask nor SQLAlchemy nor the application.

``workflows.engine`` gathers the engine's names: ``workflows.loader`` loads and validates the TOML
definitions in ``workflows/definitions/``, ``workflows.runtime`` answers which transitions an actor
may fire and fires them, ``workflows.votes`` counts council votes and ``workflows.roles`` labels
the roles; ``workflows.diagram`` draws a workflow as SVG; ``workflows.messages`` holds ``Msg``, the
translatable Vietnamese sentence the engine (and the application's services) build for people, and
the Babel extractor of the definitions' labels.
"""
