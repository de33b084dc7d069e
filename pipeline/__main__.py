from pipeline.cli import gazette

gazette(prog_name="gazette")
