"""Free-text narratives of victims in Russian, Kazakh and English.

A narrative is assembled from sentence pools (opening, how the fraudster made contact, how the
victim was deceived, each payment, the bank hotline they called, a screenshot, a closing request),
so a few hundred sentences give many thousand distinct texts. Sentences whose slots are missing are
skipped, which is how reports come to lack details. Typos touch words, never the identifiers.
Kazakh wording is [check]: it should be reviewed by a native speaker before a public demo.
"""

# ruff: noqa: E501 - sentences of victims' narratives read better unbroken than split mid-phrase.
from __future__ import annotations

import random
import string
from functools import cache

__all__ = ["SENTENCES", "render_narrative", "slots_of", "typo"]

Pool = tuple[str, ...]

SENTENCES: dict[str, dict[str, Pool]] = {
    "ru": {
        "opening": (
            "Здравствуйте.", "Добрый день!", "Прошу помочь.", "Здравствуйте, пишу заявление.",
            "Уважаемые сотрудники полиции!", "", "Меня обманули мошенники.",
            "Прошу принять заявление о мошенничестве.", "Добрый вечер, помогите пожалуйста",
        ),
        "fake_bank_security": (
            "{date} мне позвонили с номера {caller}, представились службой безопасности {bank}.",
            "Позвонил мужчина с номера {caller}, сказал что по моей карте подозрительная операция и надо перевести деньги на безопасный счёт.",
            "{date} позвонили якобы из {bank}, номер {caller}, сказали что на меня оформляют кредит и деньги надо срочно спасти.",
            "Мне звонила женщина, назвалась сотрудником Нацбанка, потом переключила на «следователя», номер {caller}.",
            "Позвонили по WhatsApp с номера {caller}, на аватарке был логотип банка.",
            "Мне позвонили, представились службой безопасности банка, номер не помню.",
        ),
        "sim_spoofing": (
            "Мне позвонили с номера {hotline}, это номер горячей линии {bank}, поэтому я поверила.",
            "Звонок был как будто с официального номера банка {hotline}, сказали назвать код из СМС.",
            "{date} звонили с номера похожего на банковский, {caller}, голос был как у оператора.",
        ),
        "fake_ad_prepayment": (
            "Нашла объявление на {platform}: {item} намного дешевле рынка.",
            "На {platform} увидел объявление о продаже {item}, продавец написал в WhatsApp {caller}.",
            "В инстаграме {handle} продавали {item}, попросили предоплату.",
            "Продавец {item} на {platform} попросил предоплату 50%, его номер {caller}.",
            "Заказала {item} через страницу {handle}, после оплаты меня заблокировали.",
            "Хотела снять квартиру через {platform}, «хозяин» попросил задаток.",
        ),
        "phishing": (
            "Пришло СМС что мне положена выплата, по ссылке {url} ввела данные карты.",
            "Мне пришла ссылка {url}, сайт был точь-в-точь как {bank}, я ввела логин и код.",
            "В WhatsApp прислали ссылку {url} «для получения посылки» и списали деньги.",
            "Открыла ссылку {url} будто от eGov, ввела ИИН и код из СМС.",
            "Отсканировала QR-код на объявлении, открылся сайт {url}.",
        ),
        "loan_in_victim_name": (
            "Узнала что на меня оформили кредит в {bank} на {amount}, я его не брала.",
            "Мне позвонили с номера {caller}, попросили продиктовать код, после этого на меня оформили онлайн-кредит.",
            "{date} на мой ИИН {iin} оформили микрокредит, деньги сразу ушли на чужую карту.",
            "Звонили с {caller}, сказали что надо «отменить заявку на кредит», в итоге кредит оформили на меня.",
        ),
        "investment_pyramid": (
            "В телеграм-канале {handle} предлагали инвестиции с доходом 30% в месяц.",
            "Увидела рекламу «Казатомпром помогает пенсионерам», зарегистрировалась на сайте {url}.",
            "Мне звонил «финансовый консультант» с номера {caller}, уговорил вложить деньги в криптовалюту.",
            "Через {handle} меня добавили в чат инвесторов, сначала выплатили небольшой доход.",
        ),
        "money_mule": (
            "Мой сын передал свою карту {own_card} незнакомым через телеграм {handle} за 20 000 тенге.",
            "В телеграме {handle} предложили подработку, я дал данные своей карты {own_card}.",
            "Я оформил карту и отдал её человеку из {handle}, теперь по ней идут чужие деньги.",
        ),
        "messenger_takeover": (
            "Мне написала подруга в WhatsApp с номера {friend} и попросила занять денег до завтра.",
            "С номера моего брата {friend} пришло сообщение, что срочно нужны деньги.",
            "Взломали WhatsApp знакомой ({friend}), от её имени просили перевести деньги.",
            "В телеграме «коллега» попросил перевести деньги, потом оказалось что аккаунт взломали.",
        ),
        "sextortion": (
            "Познакомился в инстаграме с девушкой {handle}, потом мне стали угрожать и требовать деньги.",
            "Мне написали в телеграме {handle}, угрожают разослать фото моим родственникам.",
            "Требуют деньги за то чтобы не публиковать переписку, аккаунт {handle}.",
        ),
        "org_attack": (
            "Наша организация подверглась атаке, файлы зашифрованы, требуют выкуп, почта {email}.",
            "На сервере компании появилось требование выкупа, контакт {email}, кошелёк {wallet}.",
            "С письма {email} бухгалтер открыла вложение, после чего были списаны средства.",
        ),
        "payment_card": (
            "Я перевела {amount} на карту {account}.",
            "Перевёл {amount} на карту {account}, как они сказали.",
            "С моего счёта ушло {amount} на карту {account}.",
            "Скинула {amount} на карточку {account}.",
        ),
        "payment_iban": (
            "Перевела {amount} на счёт {account}.",
            "Деньги {amount} ушли на ИИК {account}.",
            "Сделал перевод {amount} по реквизитам {account}.",
        ),
        "payment_phone": (
            "Перевела {amount} по номеру телефона {account}.",
            "Отправил {amount} через Kaspi по номеру {account}.",
            "Перевод {amount} на номер {account}.",
        ),
        "payment_wallet": (
            "Перевели {amount} в криптовалюте на кошелёк {account}.",
            "Купил USDT и отправил на адрес {account}.",
        ),
        "payment_vague": (
            "Всего я потеряла {amount}.", "Ущерб {amount}.", "Ушло около {amount}.",
            "Сумма ущерба {amount}.",
        ),
        "own_card": (
            "Моя карта {own_card}.", "Деньги списали с моей карты {own_card}.",
            "Моя карта {own_card} теперь заблокирована.",
        ),
        "own_iin": ("Мой ИИН {iin}.", "ИИН: {iin}."),
        "hotline": (
            "Потом я позвонила на горячую линию банка {hotline}, карту заблокировали.",
            "Звонила в банк по номеру {hotline}, сказали обращаться в полицию.",
        ),
        "support": (
            "Написала в поддержку {platform} по номеру {support}, ответа нет.",
            "Звонила в поддержку {support}, сказали что продавца заблокируют.",
        ),
        "aggregator": (
            "Оплата прошла через платёжный сервис, счёт получателя {aggregator}.",
            "В чеке указан счёт {aggregator}.",
        ),
        "innocent": (
            "Ещё раньше я переводила деньги на счёт {innocent}, возможно это тоже они.",
            "Думаю что это связано с картой {innocent}, на неё я тоже отправляла.",
            "Мне кажется номер {innocent} тоже из этой схемы.",
        ),
        "screenshot": (
            "Прикладываю скриншот переписки.", "Скриншоты чеков прилагаю.",
            "На скриншоте видно номер и сумму перевода.",
            "Есть скрин звонка, прикреплю.", "Скрин переписки в ватсапе во вложении.",
        ),
        "closing": (
            "Прошу найти мошенников и вернуть деньги.", "Помогите вернуть деньги!!!",
            "Прошу принять меры.", "Прошу заблокировать их счета.", "", "Спасибо.",
            "Очень прошу помочь, это были мои последние деньги.",
        ),
    },
    "kk": {
        "opening": (
            "Сәлеметсіз бе.", "Қайырлы күн!", "Көмектесуіңізді сұраймын.", "",
            "Мені алаяқтар алдап кетті.", "Алаяқтық туралы арыз беремін.",
        ),
        "fake_bank_security": (
            "{date} маған {caller} нөмірінен {bank} қауіпсіздік қызметінен деп хабарласты.",
            "Бір ер адам {caller} нөмірінен қоңырау шалып, картамда күдікті операция бар, ақшаны қауіпсіз шотқа аудару керек деді.",
            "Ұлттық Банктен деп қоңырау шалды, нөмірі {caller}.",
            "Маған банктен деп қоңырау шалды, нөмірі есімде жоқ.",
        ),
        "sim_spoofing": (
            "{hotline} нөмірінен қоңырау түсті, бұл {bank} ресми нөмірі, сондықтан сендім.",
            "{date} банктің нөміріне ұқсас {caller} нөмірінен хабарласты.",
        ),
        "fake_ad_prepayment": (
            "{platform} сайтынан {item} туралы хабарландыру көрдім, бағасы өте арзан болды.",
            "Инстаграмдағы {handle} парақшасынан {item} тапсырыс бердім, алдын ала төлем сұрады.",
            "Сатушы {caller} нөмірінен WhatsApp-қа жазып, алдын ала төлем сұрады.",
        ),
        "phishing": (
            "Маған {url} сілтемесі келді, сайт {bank} сайтына ұқсас болды, карта деректерін енгіздім.",
            "eGov атынан {url} сілтемесі келді, ЖСН мен SMS кодын енгіздім.",
            "WhatsApp-қа «сәлемдеме» туралы {url} сілтемесі келді.",
        ),
        "loan_in_victim_name": (
            "Менің атыма {bank} банкінен {amount} несие рәсімделген, мен алған жоқпын.",
            "{caller} нөмірінен хабарласып, кодты айтуымды сұрады, кейін атыма несие рәсімделді.",
            "Менің ЖСН {iin} бойынша микронесие алынған.",
        ),
        "investment_pyramid": (
            "{handle} телеграм-арнасында айына 30% табыс уәде етті.",
            "«Қазатомөнеркәсіп зейнеткерлерге көмектеседі» деген жарнаманы көріп, {url} сайтына тіркелдім.",
            "{caller} нөмірінен «қаржы кеңесшісі» хабарласып, ақша салуға көндірді.",
        ),
        "money_mule": (
            "Ұлым өзінің {own_card} картасын {handle} арқылы бейтаныс адамдарға берген.",
            "Телеграмда {handle} жұмыс ұсынды, мен картамның {own_card} деректерін бердім.",
        ),
        "messenger_takeover": (
            "Құрбым {friend} нөмірінен WhatsApp-қа жазып, қарызға ақша сұрады.",
            "Ағамның {friend} нөмірінен ақша керек деген хабар келді, кейін аккаунты бұзылғаны белгілі болды.",
        ),
        "sextortion": (
            "Инстаграмда {handle} қызбен таныстым, кейін ақша талап етіп қорқытты.",
            "Телеграмда {handle} суреттерімді туыстарыма жіберемін деп қорқытады.",
        ),
        "org_attack": (
            "Ұйымымыздың файлдары шифрланды, {email} поштасы арқылы төлем талап етеді.",
            "Компания серверінде төлем талабы шықты, әмиян {wallet}.",
        ),
        "payment_card": (
            "Мен {account} картасына {amount} аудардым.", "{account} картасына {amount} жібердім.",
        ),
        "payment_iban": ("{account} шотына {amount} аудардым.", "{account} ЖСК бойынша {amount} кетті."),
        "payment_phone": ("{account} телефон нөмірі бойынша {amount} аудардым.",),
        "payment_wallet": ("{account} әмиянына {amount} криптовалюта жібердім.",),
        "payment_vague": ("Барлығы {amount} жоғалттым.", "Залал {amount}."),
        "own_card": ("Менің картам {own_card}.", "Ақша менің {own_card} картамнан шешілді."),
        "own_iin": ("Менің ЖСН {iin}.",),
        "hotline": ("Кейін банктің {hotline} нөміріне хабарласып, картаны бұғаттадым.",),
        "support": ("{platform} қолдау қызметіне {support} хабарластым, жауап жоқ.",),
        "aggregator": ("Төлем төлем сервисі арқылы өтті, алушының шоты {aggregator}.",),
        "innocent": ("Бұрын {innocent} шотына да ақша аударғанмын, мүмкін бұл да солар.",),
        "screenshot": ("Хат алмасудың скриншотын қоса беремін.", "Чектердің скриншоты қоса берілді."),
        "closing": (
            "Алаяқтарды тауып, ақшамды қайтаруды сұраймын.", "Көмектесіңіздерші!", "",
            "Шара қолдануды сұраймын.", "Рахмет.",
        ),
    },
    "en": {
        "opening": ("Hello,", "Good afternoon.", "I want to report a fraud.", "", "Please help."),
        "fake_bank_security": (
            "On {date} someone called me from {caller} saying he was from {bank} security.",
            "A man called from {caller} and said my savings must go to a safe account.",
            "I got a call from the bank's security service, I do not remember the number.",
        ),
        "sim_spoofing": (
            "The call came from {hotline}, the official {bank} hotline, so I trusted it.",
            "On {date} I was called from {caller}, which looked like a bank number.",
        ),
        "fake_ad_prepayment": (
            "I found an ad on {platform} for {item} far below the market price.",
            "The seller of {item} on {platform} asked for a prepayment on WhatsApp {caller}.",
            "I ordered {item} from the Instagram page {handle} and was blocked after paying.",
        ),
        "phishing": (
            "I received a link {url} that looked exactly like {bank} and entered my card details.",
            "An SMS about a parcel had the link {url}.",
        ),
        "loan_in_victim_name": (
            "A loan of {amount} was taken in my name at {bank} without my consent.",
            "Someone called from {caller}, asked for a code, and then a loan appeared in my name.",
        ),
        "investment_pyramid": (
            "The Telegram channel {handle} promised 30% a month.",
            "I registered on {url} after an advert about investing with Kazatomprom.",
        ),
        "money_mule": (
            "My son gave his card {own_card} to strangers from {handle} for a small fee.",
        ),
        "messenger_takeover": (
            "My friend's WhatsApp {friend} was hacked and they asked me for money.",
        ),
        "sextortion": ("I met someone on Instagram {handle} who now blackmails me.",),
        "org_attack": (
            "Our company's files were encrypted; the ransom note gives {email} and {wallet}.",
        ),
        "payment_card": ("I sent {amount} to card {account}.", "I transferred {amount} to {account}."),
        "payment_iban": ("I paid {amount} to the account {account}.",),
        "payment_phone": ("I sent {amount} by phone number to {account}.",),
        "payment_wallet": ("I sent {amount} in USDT to {account}.",),
        "payment_vague": ("In total I lost {amount}.", "The loss is {amount}."),
        "own_card": ("My card is {own_card}.",),
        "own_iin": ("My IIN is {iin}.",),
        "hotline": ("Then I called the bank hotline {hotline} and blocked the card.",),
        "support": ("I contacted {platform} support at {support}, no answer.",),
        "aggregator": ("The receipt shows the account {aggregator}.",),
        "innocent": ("Earlier I also paid to {innocent}, maybe it is them too.",),
        "screenshot": ("Screenshots attached.", "I attach the chat screenshot."),
        "closing": ("Please find them and return my money.", "Thank you.", ""),
    },
}  # fmt: skip

ITEMS = {
    "ru": ("iPhone 15", "автомобиль", "диван", "детскую коляску", "PlayStation 5", "путёвку в Турцию",
           "квартиру посуточно", "шубу", "ноутбук", "уголь на зиму", "билеты на концерт"),
    "kk": ("iPhone 15", "көлік", "диван", "балалар арбасы", "PlayStation 5", "Түркияға жолдама",
           "тәулікке пәтер", "ноутбук", "қысқа көмір"),
    "en": ("an iPhone 15", "a car", "a sofa", "a PlayStation 5", "a flat for rent", "a laptop"),
}  # fmt: skip

KEYBOARD_NEIGHBOURS = {
    "а": "вп", "о": "рл", "е": "кн", "и": "мт", "н": "ег", "т": "иь", "с": "чм", "р": "по",
    "в": "ыа", "л": "од", "к": "уе", "м": "си", "д": "лж", "п": "ар", "у": "кг",
    "a": "sq", "e": "wr", "o": "ip", "i": "uo", "n": "bm", "t": "ry", "s": "ad", "r": "et",
}  # fmt: skip


@cache
def slots_of(template: str) -> frozenset[str]:
    """The ``{slot}`` names a sentence needs."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


def typo(rng: random.Random, sentence: str, rate: float) -> str:
    """Swap, drop, double or mistype letters in words (never inside ``{slots}``)."""
    if rate <= 0.0:
        return sentence
    words = sentence.split(" ")
    for index, word in enumerate(words):
        if len(word) < 4 or "{" in word or rng.random() >= rate:
            continue
        position = 1 + int(rng.random() * (len(word) - 2))
        kind = int(rng.random() * 4)
        if kind == 0:
            word = word[: position - 1] + word[position] + word[position - 1] + word[position + 1 :]
        elif kind == 1:
            word = word[:position] + word[position + 1 :]
        elif kind == 2:
            word = word[:position] + word[position] + word[position:]
        else:
            neighbours = KEYBOARD_NEIGHBOURS.get(word[position].lower())
            if neighbours:
                word = word[:position] + rng.choice(neighbours) + word[position + 1 :]
        words[index] = word
    return " ".join(words)


def _pick(rng: random.Random, pool: Pool, available: frozenset[str]) -> str | None:
    usable = [sentence for sentence in pool if slots_of(sentence) <= available]
    if not usable:
        return None
    return usable[int(rng.random() * len(usable))]


def render_narrative(
    rng: random.Random,
    language: str,
    scheme: str,
    slots: dict[str, str],
    payments: list[tuple[str, dict[str, str]]],
    extras: list[str],
    typo_rate: float,
) -> str:
    """Assemble one narrative.

    ``slots`` fills the contact and extra sentences; ``payments`` is a list of (pool name,
    its own slots) for each payment mentioned; ``extras`` names pools such as ``hotline`` or
    ``screenshot`` to add after the payments.
    """
    pools = SENTENCES[language]
    available = frozenset(slots)
    chosen: list[str] = []
    opening = pools["opening"][int(rng.random() * len(pools["opening"]))]
    if opening:
        chosen.append(opening)
    contact = _pick(rng, pools[scheme], available)
    if contact is not None:
        chosen.append(
            contact.format_map(slots)
            if typo_rate <= 0
            else typo(rng, contact, typo_rate).format_map(slots)
        )
    for pool_name, payment_slots in payments:
        sentence = _pick(rng, pools[pool_name], frozenset(payment_slots))
        if sentence is not None:
            chosen.append(typo(rng, sentence, typo_rate).format_map(payment_slots))
    for pool_name in extras:
        sentence = _pick(rng, pools[pool_name], available)
        if sentence is not None:
            chosen.append(typo(rng, sentence, typo_rate).format_map(slots))
    closing = pools["closing"][int(rng.random() * len(pools["closing"]))]
    if closing:
        chosen.append(typo(rng, closing, typo_rate))
    separator = "\n" if rng.random() < 0.2 else " "
    return separator.join(chosen)
