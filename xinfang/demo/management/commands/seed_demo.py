import time
from pathlib import Path

from django.core.management.base import BaseCommand

from xinfang.demo import seed as demo
from xinfang.demo.county import (
    DEMO_PASSWORD,
    LOGIN_HINTS,
    build_demo_county,
    demo_county_exists,
    existing_logins,
)
from xinfang.demo.planner import SEED
from xinfang.orgs.models import Role

ROLE_LABELS = {
    Role.INTAKE_CLERK: "登记员",
    Role.HANDLER: "承办人",
    Role.HEAD: "单位负责人",
    Role.SUPERVISOR: "督查",
    Role.LEADER: "领导",
    Role.ANALYST: "分析员",
    Role.ADMIN: "管理员",
    Role.GRID_WORKER: "网格员",
}


class Command(BaseCommand):
    help = (
        "Build the demo county (海阳市): divisions, bodies, staff logins, routing rules and about "
        "150 cases in every state, from the stories in xinfang/demo/data. Does nothing when the demo data exists; always prints the logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=SEED, help="random seed for the cases")
        parser.add_argument(
            "--taxonomy",
            type=Path,
            default=None,
            help="content-taxonomy.csv to load when none is active (default: the bundled one)",
        )

    def handle(self, *args, seed, taxonomy=None, **options):
        started = time.monotonic()
        if demo.demo_cases_exist():
            # Written nothing: the demo is there already (make run calls this every time).
            self.stdout.write("演示数据已存在，未重复生成。")
            self._print_logins(existing_logins())
            return
        existed = demo_county_exists()
        county = build_demo_county()  # idempotent: fills in only what is missing
        if not demo.ensure_taxonomy(taxonomy):
            self.stderr.write("未找到内容分类文件 content-taxonomy.csv，事项将不带分类。")
        result = demo.seed_cases(county, seed=seed)
        self.stdout.write(
            f"{'补充' if existed else '已生成'}演示数据：{result.cases} 件信访事项，"
            f"{result.grid_items} 条网格台账，{result.steps} 步办理操作，"
            f"{result.flagged} 个超期标记，用时 {time.monotonic() - started:.1f} 秒。"
        )
        for failure in result.failures:
            self.stderr.write(f"未能完成：{failure}")
        if result.samples:
            self.stdout.write("\n群众查询示例（查询码 / 查询密码，只在首次生成时显示）：")
            for number, code, password in result.samples:
                self.stdout.write(f"  {number}  {code} / {password}")
        self._print_logins(county.logins)

    def _print_logins(self, logins):
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}，仅供演示）：")
        rows = [("用户名", "角色", "单位", "密码")]
        rows += [
            (username, f"{role} {ROLE_LABELS.get(role, '')}".strip(), body, DEMO_PASSWORD)
            for username, role, body in logins
        ]
        widths = [max(_width(row[i]) for row in rows) for i in range(3)]
        for row in rows:
            cells = [row[i] + " " * (widths[i] - _width(row[i])) for i in range(3)]
            self.stdout.write("  " + "  ".join(cells) + "  " + row[3])
        shown = {username for username, _role, _body in logins}
        hints = [(username, hint) for username, hint in LOGIN_HINTS.items() if username in shown]
        if hints:
            self.stdout.write("\n可以先试试：")
            width = max(_width(username) for username, _hint in hints)
            for username, hint in hints:
                self.stdout.write(f"  {username}{' ' * (width - _width(username))}  {hint}")
        self.stdout.write("管理后台：/admin/（用户名 admin）")


def _width(text: str) -> int:
    """Display width: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
