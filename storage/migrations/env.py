"""Alembic environment: uses the engine handed over by storage.migrate."""

from alembic import context

from storage.schema import metadata

config = context.config
engine = config.attributes.get("engine")
if engine is None:
    from storage.db import make_engine

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("Run migrations with `python -m bot db upgrade`")
    engine = make_engine(url)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
