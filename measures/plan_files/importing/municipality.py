"""The municipality block and the list of departments (sheets 計画 and 部署)."""

from typing import Any

from municipalities.codes import is_valid_code
from municipalities.models import Department, Municipality


class MunicipalityPart:
    """Reads the municipality block and the departments."""

    def read_municipality(self, data: Any) -> Municipality | None:
        """The municipality the file belongs to, matched by its code.

        An import never changes a municipality: its name, prefecture and address (slug) are
        managed by the system administrator, and a file that says otherwise is refused with
        the differing fields named; the registered reading (kana) is kept whatever the file
        says. Only an import without a municipality restriction (a superuser's, or the
        command line's) may create a new one."""
        location = "自治体"
        if not isinstance(data, dict):
            self.problem(location, "", "自治体の情報がありません。")
            return None
        code = str(data.get("code") or "").strip()
        if not is_valid_code(code):
            self.problem(
                location,
                "地方公共団体コード",
                f"{code!r} は正しい6桁のコードではありません（検査数字を含めて確認してください）。",
            )
            return None
        if self.municipality is not None and code != self.municipality.code:
            self.problem(
                location,
                "地方公共団体コード",
                f"このファイルは地方公共団体コード {code} の計画です。"
                f"{self.municipality.name}の計画しか取り込めません。",
            )
            return None
        existing = Municipality.objects.filter(code=code).first()
        if existing is None:
            values = {
                "name": self.text(data, "name"),
                "kana": self.text(data, "kana"),
                "prefecture": self.text(data, "prefecture"),
                "slug": self.text(data, "slug") or code,
            }
            return self.sync(Municipality, location, {"code": code}, values, None)
        differing = False
        for key in ("name", "prefecture", "slug"):
            given, registered = self.text(data, key), getattr(existing, key)
            if given and given != registered:
                label = str(Municipality._meta.get_field(key).verbose_name)
                self.problem(
                    location,
                    label,
                    f"「{given}」は登録されている{label}「{registered}」と異なります。"
                    "自治体の情報は取り込みでは変えられません（変更はシステム管理者が行います）。",
                )
                differing = True
        return None if differing else existing

    def read_departments_list(self, municipality: Municipality, listed: list) -> None:
        """Departments the file lists are created if new; others must already exist."""
        self.departments = {d.name: d for d in Department.objects.filter(municipality=municipality)}
        for order, data in enumerate(listed):
            if isinstance(data, str):
                data = {"name": data}
            name = self.text(data, "name")
            location = self.where(data, f"部署 {order + 1}件目")
            if not name:
                self.problem(location, "部署", "部署名がありません。")
                continue
            department = self.sync(
                Department,
                location,
                {"municipality": municipality, "name": name},
                {},
                self.departments.get(name),
            )
            if department is not None:
                self.departments[name] = department

    def department(self, name: str, location: str, field_name: str = "部署") -> Department | None:
        department = self.departments.get(name.strip())
        if department is None:
            self.problem(
                location,
                field_name,
                f"部署「{name}」は登録されていません（部署の一覧に加えるか、名称を確認してください）。",
            )
        return department
