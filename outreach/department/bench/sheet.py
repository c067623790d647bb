"""The merchant spreadsheet the bench imports: what a department's list looks like.

Names made of a place, a shop's own name and its trade ("珞喻路小蜜蜂文印店", "光谷书城",
"老乡鸡快餐（街道口店）"), phones written the ways people type them, addresses; a fixed random
seed. About one row in twenty is a merchant the database already has: its very name (the
import updates it), its name with a branch or a space added (for the member to check), or its
phone under a new name (for the member to check too). The other rows are told apart from the
database's names and from each other by the duplicate check, as a real list's mostly are.
"""

import random

PLACES = [
    "珞喻路",
    "光谷",
    "街道口",
    "广埠屯",
    "鲁磨路",
    "卓刀泉",
    "关山",
    "南湖",
    "东湖",
    "楚河汉街",
    "徐东",
    "江汉路",
    "王家湾",
    "青山",
    "石牌岭",
    "马房山",
    "水果湖",
    "积玉桥",
    "司门口",
    "沙湖",
    "藏龙岛",
    "佛祖岭",
    "纸坊",
    "钟家村",
    "宝通寺",
    "亚贸",
    "汉口",
    "武昌",
    "汉阳",
    "洪山",
]
# A shop's own name: the part a member remembers.
NAMES = [
    "小蜜蜂",
    "老乡鸡",
    "金太阳",
    "红蜻蜓",
    "向日葵",
    "启航",
    "博文",
    "新华",
    "鸿运",
    "好运来",
    "聚福",
    "喜洋洋",
    "大拇指",
    "快乐猫",
    "绿叶",
    "蓝天",
    "星光",
    "明月",
    "青禾",
    "麦田",
    "稻香",
    "楚味",
    "湘里人家",
    "蔡林记",
    "四季美",
    "一点点",
    "书香",
    "墨香",
    "知行",
    "求是",
    "致远",
    "卓越",
    "优品",
    "尚品",
    "百佳",
    "万家",
    "惠民",
    "乐购",
    "家家乐",
    "东方",
    "华夏",
    "长江",
    "黄鹤",
    "江城",
    "楚天",
    "荆楚",
    "晴川",
    "汉味",
    "果果",
    "甜心",
    "米粒",
    "豆豆",
    "彩虹",
    "森林",
    "海洋",
    "飞扬",
    "腾飞",
    "金榜",
    "状元",
    "智慧树",
    "小天才",
    "未来星",
    "红太阳",
    "白云",
    "青松",
    "翠竹",
    "梧桐",
    "桂花",
    "樱花",
    "丁香",
    "茉莉",
    "百合",
    "牡丹",
    "紫荆",
    "银杏",
    "芳华",
    "锦绣",
    "鼎盛",
    "恒通",
    "宏达",
    "永兴",
    "昌盛",
    "顺发",
    "德胜",
    "福源",
    "泰和",
    "康宁",
    "安居",
    "乐居",
    "优客",
    "拾光",
    "慢时光",
    "半岛",
    "南山",
    "北斗",
    "天宇",
    "宇航",
    "领航",
    "远航",
    "启明",
    "晨曦",
    "朝阳",
    "暖阳",
    "小城",
    "老街",
    "旧时光",
    "阿婆",
    "外婆家",
    "老妈",
    "大嘴",
    "胖哥",
    "瘦子",
    "二哥",
    "三姐",
    "阿强",
    "小芳",
    "老张",
    "老李",
    "刘师傅",
    "王师傅",
    "陈记",
    "周记",
    "黄记",
    "胡记",
    "郭记",
    "何记",
    "林记",
    "罗记",
    "梁记",
    "宋记",
    "唐记",
    "韩记",
    "冯记",
    "邓记",
    "曹记",
    "彭记",
    "曾记",
    "肖记",
    "田记",
    "董记",
    "袁记",
    "潘记",
]
TRADES = [
    "文印店",
    "书城",
    "奶茶",
    "火锅",
    "烧烤",
    "健身房",
    "驾校",
    "眼镜店",
    "花店",
    "面馆",
    "热干面",
    "咖啡",
    "琴行",
    "舞蹈工作室",
    "培训中心",
    "水果店",
    "超市",
    "理发店",
    "美发沙龙",
    "摄影工作室",
    "网咖",
    "自习室",
    "干洗店",
    "大药房",
    "甜品店",
    "蛋糕店",
    "快餐",
    "餐厅",
    "酒店",
    "民宿",
    "电竞馆",
    "台球俱乐部",
    "羽毛球馆",
    "数码城",
    "手机维修",
    "打印社",
    "广告公司",
    "文化传媒",
    "教育咨询",
    "考研培训",
    "英语培训",
    "体育用品",
    "服装店",
    "鞋店",
    "礼品店",
    "烘焙坊",
    "麻辣烫",
    "小龙虾",
    "鸭脖",
    "汤包馆",
    "牛肉粉",
    "豆皮",
    "酸菜鱼",
    "螺蛳粉",
    "轰趴馆",
    "密室逃脱",
    "剧本杀",
    "KTV",
    "桌游吧",
    "瑜伽馆",
    "跆拳道馆",
    "画室",
    "书法培训",
    "钢琴培训",
    "口腔诊所",
    "宠物店",
    "洗衣店",
    "五金店",
    "家电城",
    "电脑城",
    "茶楼",
    "酒吧",
    "串串香",
    "私房菜",
    "粥铺",
    "早餐店",
    "卤味",
    "炸鸡",
    "披萨",
    "寿司",
    "烤鱼",
    "干锅",
    "农家乐",
]
STREETS = ["珞喻路", "鲁磨路", "民族大道", "关山大道", "雄楚大道", "武珞路", "中北路", "中山路", "友谊大道", "光谷大道"]
DISTRICTS = ["洪山区", "东湖高新区", "武昌区", "江夏区", "江汉区", "青山区"]
BUILDINGS = ["", "", "", "1楼", "2楼", "负一楼", "A座", "商业街", "临街门面"]
DUPLICATE_SHARE = 0.05


def _phone(rng: random.Random, used: set[str]) -> str:
    """A phone as people type them: a mobile with or without spaces, a landline with its
    area code and a dash; one in seven rows has none. Never one the database's merchants have
    (027 8700 xxxx at the bench's scale)."""
    if rng.random() < 1 / 7:
        return ""
    while True:
        if rng.random() < 0.6:
            digits = (
                rng.choice(["139", "138", "135", "150", "158", "187", "186", "177"]) + f"{rng.randrange(10**8):08d}"
            )
            text = rng.choice(
                [digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"]
            )
        else:
            digits = "027" + rng.choice("56") + f"{rng.randrange(10**7):07d}"
            text = rng.choice([f"027-{digits[3:]}", digits, f"(027){digits[3:]}"])
        if digits not in used:
            used.add(digits)
            return text


def _address(rng: random.Random) -> str:
    return (
        f"武汉市{rng.choice(DISTRICTS)}{rng.choice(STREETS)}{rng.randint(1, 999)}号{rng.choice(BUILDINGS)}"
        if rng.random() < 0.9
        else ""
    )


def _new_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct names, each of its own shop name and trade: two rows sharing both
    would be two branches of one shop, which the check rightly asks about."""
    pairs = rng.sample([(name, trade) for name in NAMES for trade in TRADES], count)
    names = []
    for name, trade in pairs:
        form = rng.random()
        place = rng.choice(PLACES)
        if form < 0.55:
            names.append(f"{place}{name}{trade}")  # 珞喻路小蜜蜂文印店
        elif form < 0.75:
            names.append(f"{name}{trade}（{place}店）")  # 老乡鸡快餐（街道口店）
        elif form < 0.9:
            names.append(f"{name}{trade}")  # 小蜜蜂文印店
        else:
            names.append(f"{place}{name}{trade}有限公司")  # 光谷星光文化传媒有限公司
    return names


def merchant_sheet(count: int, existing: list[tuple[str, str]], *, seed: int = 15) -> list[list[str]]:
    """`count` rows of (名称, 电话, 地址); `existing` is the database's (name, phone) to draw
    the duplicates from."""
    rng = random.Random(seed)
    used = {phone for _name, phone in existing}
    rows = [[name, _phone(rng, used), _address(rng)] for name in _new_names(rng, count)]
    duplicates = min(len(existing), round(count * DUPLICATE_SHARE))
    for row, (name, phone) in zip(rng.sample(rows, duplicates), rng.sample(existing, duplicates), strict=True):
        kind = rng.random()
        if kind < 0.4:  # the same merchant, the same name: updated
            row[:2] = [name, phone]
        elif kind < 0.7:  # the same merchant written another way: to check
            row[:2] = [
                rng.choice([f"{name}（{rng.choice(PLACES)}店）", f"{name[:2]} {name[2:]}", f"{name}(总店)"]),
                phone,
            ]
        else:  # its phone under another name (a shop taken over?): to check
            row[1] = phone
    return rows
