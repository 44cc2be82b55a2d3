"""The import template's sheets and columns, and its reference (docs/import-template.md).

Each sheet is one flat table with Japanese headers; rows refer to each other by natural keys
(a measure by 番号 and 枝番, an indicator by its number within the measure). The reader, the
writer and the documentation all follow SHEETS, so they cannot drift apart.
"""

from dataclasses import dataclass

from measures.plan_files.limits import MAX_CELL_CHARACTERS


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    kind: str = "text"  # text | int | year | bool | counted | ending | basis | yen | ratio …
    # Added to the template after files were already in use (December 2026 onward): a file
    # without the column is read as it was meant then.
    later: bool = False


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    description: str

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]


MEASURE_KEY = (Column("取組番号", "measure", "text"), Column("枝番", "sub_number", "int"))


CHILD_SHEETS = {
    "担当課": "departments",
    "年次計画": "steps",
    "年度目標": "targets",
    "指標": "indicators",
    "効果額": "effects",
    "年度評価": "years",
}


PLAN_FIELDS = (
    Column("地方公共団体コード", "municipality.code"),
    Column("自治体名", "municipality.name"),
    Column("自治体名よみがな", "municipality.kana"),
    Column("都道府県", "municipality.prefecture"),
    Column("URL名", "municipality.slug"),
    Column("計画名", "plan.name"),
    Column("公表資料の表題", "plan.document_title"),
    Column("大綱・基本方針", "plan.framework_name"),
    Column("大綱の開始年度", "plan.framework_first_fiscal_year", "year"),
    Column("大綱の終了年度", "plan.framework_last_fiscal_year", "year"),
    Column("計画の開始年度", "plan.first_fiscal_year", "year"),
    Column("計画の終了年度", "plan.last_fiscal_year", "year"),
    Column("版", "plan.revision_label"),
    Column("改訂日", "plan.revision_date"),
    Column("公表日", "plan.published_on"),
    Column("目指す姿", "plan.vision"),
    Column("改革の視点", "plan.viewpoints"),
    Column("第1階層の名称", "plan.level_labels.0"),
    Column("第2階層の名称", "plan.level_labels.1"),
    Column("第3階層の名称", "plan.level_labels.2"),
    Column("取組の名称", "plan.measure_label"),
    Column("目標の名称", "plan.goal_label"),
    Column("所管部署", "plan.reform_office"),
    Column("評価区分の注記", "plan.grade_note"),
    Column("割合の小数点以下の桁数", "plan.share_decimal_places", "int"),
    Column("集計表の注記", "plan.count_note"),
    Column("歳出削減額の記号", "plan.saving_mark"),
    Column("効果額の表示単位", "plan.effect_unit"),
)


SHEETS: tuple[Sheet, ...] = (
    Sheet(
        "計画",
        (Column("項目", "field"), Column("値", "value")),
        "計画と自治体の情報。1行に1項目（項目名は変えないでください）。",
    ),
    Sheet(
        "部署",
        (Column("名称", "name"),),
        "計画で使う部署（担当課・関係課）。ここにない部署名は取り込めません（登録済みの部署は省略可）。",
    ),
    Sheet(
        "前文",
        (Column("見出し", "heading"), Column("本文", "body")),
        "計画の趣旨・期間・推進体制など、冒頭の文章。記載順に1行ずつ。",
    ),
    Sheet(
        "評価区分",
        (
            Column("記号", "code"),
            Column("名称", "label"),
            Column("基準", "definition"),
            Column("達成率の下限", "min_ratio", "ratio"),
            Column("評価済みとして数える", "rated", "counted"),
        ),
        "良い順に1行ずつ。達成率の下限は100%なら1または100%。定性的な区分は空欄。"
        "対象外・未評価の区分は「評価済みとして数える」を×にします（割合の分母から外れます）。",
    ),
    Sheet(
        "実施状況",
        (Column("名称", "label"),),
        "年度目標・年度評価で使う実施状況の区分（実施、検討など）。",
    ),
    Sheet(
        "体系",
        (
            Column("第1階層の番号", "path.0"),
            Column("第2階層の番号", "path.1"),
            Column("第3階層の番号", "path.2"),
            Column("名称", "title"),
            Column("目指す方向", "aim"),
        ),
        "柱・項目を上から順に。下位の項目は上位の番号を左の列に書きます。番号がない項目は名称を番号の代わりに使います。",
    ),
    Sheet(
        "取組",
        (
            Column("番号", "code"),
            Column("枝番", "sub_number", "int"),
            Column("項目記号", "mark"),
            Column("第1階層の番号", "pillar.0"),
            Column("第2階層の番号", "pillar.1"),
            Column("第3階層の番号", "pillar.2"),
            Column("名称", "title"),
            Column("新規・継続", "status"),
            Column("市全体での取組み（◎）", "citywide", "bool"),
            Column("SDGs", "sdgs", "list"),
            Column("現状と課題", "current_situation"),
            Column("目標", "goal"),
            Column("取組内容", "content"),
            Column("今後の取組方向", "future_direction"),
            Column("関連計画", "related_plans"),
            Column("総合計画での位置付け", "comprehensive_plan_position"),
            Column("協創の担い手", "co_creation.actors", "list"),
            Column("協創の内容", "co_creation.text"),
            Column("注記", "notes"),
            Column("取組の開始年度", "first_fiscal_year", "year", later=True),
            Column("取組の終了年度", "last_fiscal_year", "year", later=True),
            Column("終了の区分", "ending", "ending", later=True),
            Column("集約先の番号", "merged_into.code", later=True),
            Column("集約先の枝番", "merged_into.sub_number", "int", later=True),
            Column("終了の説明", "ending_note", later=True),
        ),
        "取組1件に1行。番号は計画内で一意（同じ番号の行が複数あるときは枝番 1, 2, …）。"
        "計画の途中で加わった取組（No.R1-1 など）は開始年度を、集約・終了した取組は終了年度と"
        "終了の区分（集約先の番号）を書きます。その年度に取り組んでいない取組は件数に数えません。",
    ),
    Sheet(
        "担当課",
        (
            *MEASURE_KEY,
            Column("部署", "name"),
            Column("役割", "role"),
            Column("主たる担当（●）", "primary", "bool"),
        ),
        "取組の担当課・関係課。役割は「担当課」か「関係課」。",
    ),
    Sheet(
        "年次計画",
        (
            *MEASURE_KEY,
            Column("項目番号", "step", "int"),
            Column("内容", "title"),
            Column("担当課", "department"),
            Column("年度", "fiscal_year", "year"),
            Column("計画", "planned"),
            Column("実績", "actual"),
            Column("取組状況", "progress"),
            Column("今後の取組・課題", "next"),
        ),
        "年次計画の項目ごと・年度ごとに1行。項目番号は取組の中で1, 2, …。「→」は前年度から継続。",
    ),
    Sheet(
        "年度目標",
        (
            *MEASURE_KEY,
            Column("年度", "fiscal_year", "year"),
            Column("実施状況", "status"),
            Column("年度目標", "goal"),
        ),
        "取組ごと・年度ごとの目標。",
    ),
    Sheet(
        "指標",
        (
            *MEASURE_KEY,
            Column("指標番号", "indicator", "int"),
            Column("指標名", "name"),
            Column("単位", "unit"),
            Column("方向", "direction"),
            Column("指標の設定困難", "not_settable", "bool"),
            Column("説明", "description"),
            Column("現状値", "baseline", "value"),
            Column("現状値の年度", "baseline_fiscal_year", "year"),
            Column("現状値の時点", "baseline_label"),
            Column("値の基準", "basis", "basis", later=True),
        ),
        "方向は「増やす」「減らす」「文章」。値は資料の記載どおり（982百万円、見直し・反映）。",
    ),
    Sheet(
        "指標の値",
        (
            *MEASURE_KEY,
            Column("指標番号", "indicator", "int"),
            Column("年度", "fiscal_year", "year"),
            Column("目標値", "target", "value"),
            Column("実績値", "actual", "value"),
        ),
        "指標ごと・年度ごとの目標値と実績値。",
    ),
    Sheet(
        "効果額",
        (
            *MEASURE_KEY,
            Column("年度", "fiscal_year", "year"),
            Column("計画 歳入増（円）", "planned_revenue", "yen"),
            Column("計画 歳出削減（円）", "planned_saving", "yen"),
            Column("実績 歳入増（円）", "actual_revenue", "yen"),
            Column("実績 歳出削減（円）", "actual_saving", "yen"),
            Column("備考", "note"),
            Column("効果額の基準", "basis", "basis", later=True),
        ),
        "効果額は円単位の整数（「164,687千円」のように単位付きでも可）。"
        "単年度効果額と継続的な効果を含む累計の両方を報告する計画は、同じ年度に基準ごとの2行を書きます。",
    ),
    Sheet(
        "年度評価",
        (
            *MEASURE_KEY,
            Column("年度", "fiscal_year", "year"),
            Column("計画内容（Plan）", "plan"),
            Column("取組状況（Do）", "do"),
            Column("評価（Check）", "check"),
            Column("見直し・改善（Action）", "action"),
            Column("実施状況", "status"),
            Column("担当課の評価案", "proposed_grade"),
            Column("評価", "grade"),
            Column("算出値と異なる理由", "override_reason"),
            Column("審査状況", "review_status"),
        ),
        "取組ごと・年度ごとの実績と評価。評価は評価区分の記号。",
    ),
    Sheet(
        "計画期間の実績",
        (
            *MEASURE_KEY,
            Column("評価", "grade"),
            Column("実施状況", "status"),
            Column("計画期間の取組結果", "summary"),
        ),
        "計画期間（5年間など）を通した取組ごとの結果。計画の最終年度とともに公表します。",
    ),
    Sheet(
        "主要目標",
        (
            Column("目標の項目", "name"),
            Column("目標", "target", "value"),
            Column("説明", "note"),
        ),
        "計画全体の主要目標（効果額の総額、延床面積、職員数など）。目標は資料の記載どおり"
        "（「12人削減」「延床面積 12,000平方メートル」「1,500百万円」）。",
    ),
    Sheet(
        "主要目標の実績",
        (
            Column("目標の項目", "goal"),
            Column("年度", "fiscal_year", "year"),
            Column("実績", "result", "value"),
            Column("累計", "cumulative", "value"),
        ),
        "主要目標ごと・年度ごとの実績。累計は資料に書かれている場合だけ（空欄なら各年度の実績を足します）。"
        "進捗率は累計÷目標で、100%を超えても上限を設けません。",
    ),
    Sheet(
        "公表",
        (
            Column("年度", "fiscal_year", "year"),
            Column("公表日", "published_on"),
        ),
        "すでに公表した年度と、その公表日（2021-08-31 など）。「公表済みとして取り込む」ときに、"
        "進捗報告の公表日として使います。",
    ),
    # The external review (外部評価): the committees, then their results per year.
    Sheet(
        "委員会",
        (
            Column("委員会", "name"),
            Column("評価の単位", "unit_kind", "unit_kind"),
            Column("評価の決め方", "aggregation", "aggregation"),
        ),
        "外部評価の委員会（行政改革推進委員会など）。評価の単位は「取組ごと」「体系（柱）ごと」「部署ごと」、"
        "評価の決め方は「平均」「中央値」「委員長が決定」（空欄は平均）。ファイルにない委員会・委員・観点・"
        "評価区分・評価の対象はそのまま残ります（削除は管理画面で）。",
    ),
    Sheet(
        "委員",
        (
            Column("委員会", "body"),
            Column("氏名", "name"),
            Column("委員長", "chair", "bool"),
        ),
        "委員会ごとの委員（氏名で照合）。ファイルから新しく加わる委員は、サインインしない氏名だけの委員になります"
        "（管理画面でログインIDを付けられます）。委員長は1委員会に1人まで。",
    ),
    Sheet(
        "評価の観点",
        (
            Column("委員会", "body"),
            Column("観点", "label"),
            Column("説明", "description"),
        ),
        "委員会が評価する観点（計画の妥当性（Plan）、取組過程（Do）、総合など）を順に1行ずつ。",
    ),
    Sheet(
        "委員会の評価区分",
        (
            Column("委員会", "body"),
            Column("記号", "code"),
            Column("名称", "label"),
            Column("基準", "definition"),
        ),
        "委員会の評価区分（A 極めて良好 … E 極めて問題など）を良い順に1行ずつ。取組の評価区分とは別です。",
    ),
    Sheet(
        "評価の対象",
        (
            Column("委員会", "body"),
            Column("評価の対象", "unit"),
            Column("枝番", "sub_number", "int"),
        ),
        "委員会が評価する取組（番号と枝番）・体系（番号を上から「 > 」でつなぐ。例: I > ①）・部署（名称）。"
        "以下のシートの評価の対象も同じ書き方です。評価のシートに書いた対象は、ここになくても加わります。",
    ),
    Sheet(
        "外部評価の年度",
        (
            Column("委員会", "body"),
            Column("年度", "fiscal_year", "year"),
            Column("状況", "status", "round_status"),
        ),
        "委員会ごと・年度ごとの外部評価の状況。「評価確定」（空欄も同じ）か「評価中」。"
        "この表にない年度でも、評価や意見を書いた年度は評価確定として取り込みます。"
        "評価確定の年度は、その年度を公表すると公開されます。",
    ),
    Sheet(
        "委員会の評価",
        (
            Column("委員会", "body"),
            Column("年度", "fiscal_year", "year"),
            Column("評価の対象", "unit"),
            Column("枝番", "sub_number", "int"),
            Column("観点", "viewpoint"),
            Column("自己評価", "self_grade"),
            Column("委員会の評価", "grade"),
            Column("委員の評価の集計", "aggregated_grade"),
            Column("評価した委員の数", "member_count", "int"),
            Column("委員長が決定", "set_by_chair", "bool"),
        ),
        "評価の対象ごと・観点ごとに1行。自己評価（担当部署の評価）と委員会の評価は委員会の評価区分の記号。"
        "委員の評価の集計・評価した委員の数は資料にあれば（空欄の数は「委員の評価」シートから数えます）。",
    ),
    Sheet(
        "委員の評価",
        (
            Column("委員会", "body"),
            Column("年度", "fiscal_year", "year"),
            Column("評価の対象", "unit"),
            Column("枝番", "sub_number", "int"),
            Column("委員", "member"),
            Column("観点", "viewpoint"),
            Column("評価", "grade"),
            Column("コメント", "comment"),
        ),
        "委員ごとの評価とコメント（任意）。委員は「委員」シートの氏名。委員の評価は公開されません。",
    ),
    Sheet(
        "意見と対応方針",
        (
            Column("委員会", "body"),
            Column("年度", "fiscal_year", "year"),
            Column("評価の対象", "unit"),
            Column("枝番", "sub_number", "int"),
            Column("意見番号", "number", "int"),
            Column("観点", "viewpoint"),
            Column("意見", "text"),
            Column("対応方針", "response"),
            Column("担当課", "department"),
        ),
        "委員会の意見と、それに対する対応方針・担当課。意見番号は評価の対象ごとに1, 2, …（空欄なら行の順）。"
        "観点は空欄でもかまいません。",
    ),
    Sheet(
        "反映状況",
        (
            Column("委員会", "body"),
            Column("年度", "fiscal_year", "year"),
            Column("評価の対象", "unit"),
            Column("枝番", "sub_number", "int"),
            Column("意見番号", "number", "int"),
            Column("記録した年度", "recorded_fiscal_year", "year"),
            Column("反映状況", "status", "opinion_status"),
            Column("反映の内容", "text"),
        ),
        "意見の反映状況を、記録した年度（意見を受けた年度より後）ごとに1行。"
        "年度・評価の対象・意見番号で「意見と対応方針」の行を指します。"
        "反映状況は「反映済み」「一部反映」「検討中」「反映しない」。",
    ),
)


SHEETS_BY_NAME = {sheet.name: sheet for sheet in SHEETS}


ROLE_WORDS = {"lead": "担当課", "related": "関係課"}


DIRECTION_WORDS = {"increase": "増やす", "decrease": "減らす", "milestone": "文章"}


ENDING_WORDS = {"merged": "集約", "finished": "取組終了", "discontinued": "廃止・休止"}
BASIS_WORDS = {"single_year": "単年度", "cumulative": "累計"}
UNIT_KIND_WORDS = {"measure": "取組ごと", "pillar": "体系（柱）ごと", "department": "部署ごと"}
AGGREGATION_WORDS = {"mean": "平均", "median": "中央値", "chair": "委員長が決定"}
ROUND_STATUS_WORDS = {"open": "評価中", "concluded": "評価確定"}
OPINION_STATUS_WORDS = {
    "reflected": "反映済み",
    "partly": "一部反映",
    "considering": "検討中",
    "not_reflected": "反映しない",
}
REVIEW_WORDS = {
    "not_started": "未着手",
    "draft": "入力中",
    "submitted": "提出済み",
    "returned": "差戻し",
    "approved": "承認済み",
    "published": "公表済み",
}


_KIND_NOTES = {
    "int": "整数",
    "year": "年度（2020、R2、令和2年度）",
    "bool": "○ または空欄",
    "counted": "○ または空欄で数える、× で数えない",
    "ending": "集約・取組終了・廃止・休止",
    "basis": "単年度（空欄も同じ）・累計",
    "yen": "円（整数。千円などの単位付きも可）",
    "ratio": "割合（1.00 または 100%）",
    "list": "カンマ区切り",
    "value": "値（資料の記載どおり）",
    "unit_kind": "取組ごと・体系（柱）ごと・部署ごと",
    "aggregation": "平均（空欄も同じ）・中央値・委員長が決定",
    "round_status": "評価確定（空欄も同じ）・評価中",
    "opinion_status": "反映済み・一部反映・検討中・反映しない",
    "text": "文字",
}


def template_markdown() -> str:
    """docs/import-template.md, generated from SHEETS so that it cannot drift."""
    lines = [
        "# 取り込み用テンプレート（xlsx / CSV）",
        "",
        "<!-- Generated by measures.plan_files.workbook.template_markdown(); a test keeps it in step. -->",
        "",
        "計画の構成と各年度の実績を、下のシート（CSVの場合はシート名.csv をまとめたzip）で表します。"
        "1行目が見出し、2行目からがデータです。シートの順番は自由で、使わないシートは省略できます（「計画」は必須）。"
        "取組は「番号」と「枝番」で、指標は取組の中の「指標番号」で、年次計画の項目は「項目番号」で他のシートから参照します。"
        "同じファイルをもう一度取り込んでも何も変わらず、直したファイルを取り込むと該当する行だけが更新されます。",
        "",
        "`=` `+` `-` `@` で始まる文字は、書き出し時に先頭へ `'` を付けて数式として扱われないようにしています（取り込み時に外します）。",
        "",
        f"1つのセルは{MAX_CELL_CHARACTERS:,}字まで（Excelの上限）で、NUL文字は使えません。"
        "整数と割合の列（枝番・項目番号・指標番号・達成率の下限）は18桁までです。読めないセルはシート・行・列の名前とともに示され、そのファイルからは何も取り込みません。",
        "",
    ]
    for sheet in SHEETS:
        lines += [f"## {sheet.name}", "", sheet.description, ""]
        if sheet.name == "計画":
            lines += ["| 項目 | 種類 |", "|---|---|"]
            lines += [f"| {c.header} | {_KIND_NOTES[c.kind]} |" for c in PLAN_FIELDS]
        else:
            lines += ["| 列 | 種類 |", "|---|---|"]
            lines += [
                f"| {c.header} | {_KIND_NOTES[c.kind]}{'（2026年12月に追加。列ごと省略可）' if c.later else ''} |"
                for c in sheet.columns
            ]
        lines.append("")
    return "\n".join(lines)
