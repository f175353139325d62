"""``cargohold quickstart``"""

from __future__ import annotations

import click


@click.command("quickstart")
def quickstart() -> None:
    """Run a small pipeline that saves its artifacts to the active stack's store.

    It makes a dataset, fits a line in plain Python and evaluates it, then prints
    where the artifacts are and the commands to look at them and to move them to a
    remote store. It needs no set-up: a new machine uses the local `default` store.
    """
    from cargohold import quickstart as pipeline
    from cargohold.client import Client

    client = Client()
    run = pipeline.run(client.active_stack(), client.get_artifact_store(), client.artifacts)
    click.echo(f"Saved the quickstart's artifacts to store {run.store!r} (stack {run.stack!r}):")
    for version in run.saved:
        click.echo(f"  {version.ref:22s} {version.size:>7,d} bytes  {version.uri}")
    model, metrics = run.model, run.metrics
    click.echo(
        f"Model: y = {model['slope']:.3f} x + {model['intercept']:.3f} "
        f"(rmse {metrics['rmse']:.3f} on {metrics['rows']:.0f} rows)"
    )
    click.echo(
        "\nLook at them:\n"
        "  cargohold artifact list\n"
        f"  cargohold artifact describe {pipeline.MODEL}\n"
        f"  cargohold artifact visualize {pipeline.DATASET}\n"
        '  python -c "import cargohold; print(cargohold.load_artifact('
        f"'{pipeline.MODEL}'))\"\n"
        "\nMove them to shared storage:\n"
        "  cargohold integration install s3 -y\n"
        "  cargohold artifact-store register remote -f s3 --path=s3://BUCKET/PREFIX\n"
        f"  cargohold artifact-store copy {run.store} remote"
    )
