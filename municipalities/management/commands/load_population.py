from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from municipalities.population import (
    POPULATION_FILE,
    PopulationFileError,
    apply_population,
    read_population_file,
)


class Command(BaseCommand):
    help = "同梱の国勢調査の人口（municipalities/data/population.csv）を自治体に設定します。"

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=POPULATION_FILE)

    def handle(self, *args, file: Path, **options):
        try:
            figures = read_population_file(file)
        except (OSError, PopulationFileError) as error:
            raise CommandError(str(error)) from error
        count = apply_population(figures=figures)
        self.stdout.write(f"人口を設定: {count}団体（ファイルの{len(figures)}団体から）")
