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
# A shop's own name, the part a member remembers. No two share a character: two shops
# of one trade are told apart by their names, as most are.
NAMES = [
    "启航",
    "博文",
    "新华",
    "鸿运",
    "聚福",
    "绿叶",
    "蓝天",
    "星光",
    "明月",
    "青禾",
    "麦田",
    "稻香",
    "楚味",
    "知行",
    "求是",
    "致远",
    "卓越",
    "优品",
    "百佳",
    "惠民",
    "东方",
    "长江",
    "黄鹤",
    "晴川",
    "果果",
    "甜心",
    "米粒",
    "豆豆",
    "彩虹",
    "飞扬",
    "状元",
    "白云",
    "翠竹",
    "梧桐",
    "桂花",
    "茉莉",
    "牡丹",
    "紫荆",
    "银杏",
    "锦绣",
    "鼎盛",
    "恒通",
    "宏达",
    "永兴",
    "顺发",
    "德胜",
    "泰和",
    "康宁",
    "安居",
    "半岛",
    "南山",
    "北斗",
    "晨曦",
    "阿婆",
    "胖哥",
    "瘦子",
    "三姐",
    "松鼠",
    "海豚",
    "麋鹿",
    "骆驼",
    "孔雀",
    "企鹅",
    "考拉",
    "斑马",
    "雪狐",
    "秋实",
    "春晓",
    "夏至",
    "惊蛰",
    "谷雨",
    "端午",
    "九州",
    "十全",
    "千禧",
    "万象",
    "六合",
    "凤凰",
    "麒麟",
    "玄武",
    "琥珀",
    "珍珠",
    "玛瑙",
    "水晶",
    "钻石",
    "芙蓉",
    "杜鹃",
    "葡萄",
    "柠檬",
    "草莓",
    "菠萝",
    "西瓜",
    "哈密",
    "咕噜",
    "嘟嘟",
    "欢欢",
    "贝贝",
    "妞妞",
    "壮壮",
    "悟空",
    "八戒",
    "沙僧",
    "哪吒",
    "嫦娥",
    "后羿",
    "精卫",
    "女娲",
    "伏羲",
    "神农",
    "轩辕",
    "逍遥",
    "自在",
    "悠然",
    "淡定",
    "从容",
    "恬静",
    "清风",
    "宇宙",
    "赤道",
    "巴蜀",
    "燕赵",
    "齐鲁",
    "闽粤",
    "滇黔",
    "秦晋",
    "橄榄",
    "樱桃",
    "荔枝",
    "龙眼",
    "枇杷",
    "杨梅",
    "芝麻",
    "高粱",
    "蝴蝶",
    "萤火",
    "鸳鸯",
    "鸬鹚",
    "啄木",
    "浣熊",
    "刺猬",
    "犀牛",
    "羚羊",
    "猎豹",
    "雄狮",
    "猛虎",
    "灰狼",
    "蘑菇",
    "鱿鱼",
    "生蚝",
    "螃蟹",
    "珊瑚",
    "潮汐",
    "港湾",
    "灯塔",
    "码头",
    "帆船",
    "舵手",
    "桨声",
    "炊烟",
    "陀螺",
    "拼图",
    "跳绳",
    "滑梯",
    "摇篮",
]
# Three-character ones, each with a trade of three characters or more (with two, 金太阳花店
# and 金太阳书店 are 80% alike and asked about).
LONG_NAMES = [
    "小蜜蜂",
    "老乡鸡",
    "金太阳",
    "红蜻蜓",
    "向日葵",
    "喜洋洋",
    "大拇指",
    "快乐猫",
    "蔡林记",
    "四季美",
    "一点点",
    "智慧树",
    "刘师傅",
]
# Trades: none shares two characters with another of its length (甜品店 beside 礼品店 would
# make two shops of one name look alike).
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
    "五金店",
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
    """`count` distinct names, each of its own shop name and trade (two rows sharing both
    would be two branches of one shop, which the check rightly asks about), a place in
    front only where it cannot make two names alike (a short place and trade, never one
    place twice for one shop name)."""
    pairs = [(name, trade) for name in NAMES for trade in TRADES]
    pairs += [(name, trade) for name in LONG_NAMES for trade in TRADES if len(trade) >= 3]
    names, placed = [], set()
    for name, trade in rng.sample(pairs, count):
        form, place = rng.random(), rng.choice(PLACES)
        if form < 0.3 and len(place) <= 3 and len(trade) <= 3 and (place, name) not in placed:
            placed.add((place, name))
            names.append(f"{place}{name}{trade}")  # 珞喻路启航书城
        elif form < 0.8:
            names.append(f"{name}{trade}（{place}店）")  # 老乡鸡快餐（街道口店）
        else:
            names.append(f"{name}{trade}")  # 小蜜蜂文印店
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
