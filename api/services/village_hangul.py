"""The Korean (Sino-Korean) reading of a village's name: a Korean-speaking farmer writes 东村 as 동촌.

The register holds villages in Chinese characters; a Korean message names the same place by its characters'
Korean sounds. Only the characters common in village, township and county names are listed: a name with a
character outside the table has no reading, and is then matched only as written. The initial-sound rule
(두음법칙) gives some characters a second reading at the start of a name (李 리/이, 柳 류/유).
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

_TABLE = """
东동 西서 南남 北북 中중 上상 下하 前전 后후 左좌 右우 大대 小소 新신 老로노 古고 城성 村촌 镇진 乡향 庄장 屯둔
堡보 寨채 营영 店점 集집 河하 山산 水수 沟구 岭령영 坡파 台대 岗강 川천 泉천 湖호 江강 海해 林림임 石석 桥교 井정
口구 头두 门문 关관 家가 王왕 张장 李리이 刘류유 陈진 杨양 赵조 黄황 周주 吴오 孙손 马마 朱주 胡호 高고 郭곽 何하
罗라나 梁량양 宋송 郑정 谢사 韩한 唐당 冯풍 于우 董동 白백 红홍 青청 黑흑 金금김 银은 安안 平평 和화 兴흥 福복
丰풍 富부 胜승 利리이 光광 明명 阳양 春춘 长장 太태 龙룡용 凤봉 德덕 仁인 义의 延연 吉길 图도 珲훈 汪왕 清청
宁녕영 三삼 二이 一일 四사 五오 六륙육 七칠 八팔 九구 十십 道도 里리이 洞동 花화 松송 桃도 柳류유 杏행 梨리이
园원 田전 场장 坊방 街가 阴음 武무 留류유 鹤학 边변 州주 市시 县현 区구 民민 永영 泰태 顺순 合합 成성 建건 华화
国국 文문 化화 朝조 鲜선 族족 团단 结결 先선 进진 向향 旗기 卫위 星성 英영 勇용 开개 元원 广광 庆경 宝보 玉옥
云운 峰봉 岩암 溪계 湾만 塘당 池지 坪평 峪욕 屯둔 寺사 庙묘 官관 苗묘 草초 树수 竹죽 梅매 兰란난 菊국 莲련연
"""
_READINGS: dict[str, tuple[str, ...]] = {item[0]: tuple(item[1:]) for item in _TABLE.split()}


@lru_cache(maxsize=4096)
def readings(name: str) -> frozenset[str]:
    """Every Korean reading of ``name`` (a few when a character has two); empty when one is not in the table."""
    if not name or any(ch not in _READINGS for ch in name):
        return frozenset()
    return frozenset("".join(sounds) for sounds in product(*(_READINGS[ch] for ch in name)))
