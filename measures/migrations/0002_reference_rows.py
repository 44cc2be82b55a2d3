from django.db import migrations

SDGS = [
    "貧困をなくそう",
    "飢餓をゼロに",
    "すべての人に健康と福祉を",
    "質の高い教育をみんなに",
    "ジェンダー平等を実現しよう",
    "安全な水とトイレを世界中に",
    "エネルギーをみんなに そしてクリーンに",
    "働きがいも経済成長も",
    "産業と技術革新の基盤をつくろう",
    "人や国の不平等をなくそう",
    "住み続けられるまちづくりを",
    "つくる責任 つかう責任",
    "気候変動に具体的な対策を",
    "海の豊かさを守ろう",
    "陸の豊かさも守ろう",
    "平和と公正をすべての人に",
    "パートナーシップで目標を達成しよう",
]
ACTORS = ["行政", "市民", "地域", "団体", "学校・大学", "企業", "近隣自治体"]


def create_rows(apps, schema_editor):
    goal_model = apps.get_model("measures", "SustainableDevelopmentGoal")
    actor_model = apps.get_model("measures", "CoCreationActor")
    for number, name in enumerate(SDGS, start=1):
        goal_model.objects.update_or_create(number=number, defaults={"name": name})
    for order, name in enumerate(ACTORS):
        actor_model.objects.update_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(create_rows, migrations.RunPython.noop)]
