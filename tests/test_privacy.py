from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fivep.privacy import ENTITY_TYPES, Pseudonymizer, Span, detect, redact, redact_lines, redact_text
from fivep.privacy.patterns import thai_id_checksum_ok
from fivep.privacy.spans import resolve


def found(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.text) for s in detect(text)]


@pytest.mark.parametrize("text,expected", [
    # names after titles and kinship terms: the span is the name without the title
    ("ด.ญ.นิภาพร ใจงาม อายุ 14 ปี", [("PERSON", "นิภาพร ใจงาม")]),
    ("นายสมศักดิ์ ทองดีเป็นคนขับรถพาเด็กไป", [("PERSON", "สมศักดิ์ ทองดี")]),
    ("ด.ช.ต้นกับด.ญ.นิดเป็นพี่น้องกัน", [("PERSON", "ต้น"), ("PERSON", "นิด")]),
    ("น้องเมย์บอกว่าไม่อยากกลับบ้าน", [("PERSON", "เมย์")]),
    ("ยายปันกับตาอุ่นเรือนเลี้ยงหนูมา", [("PERSON", "ปัน"), ("PERSON", "อุ่นเรือน")]),
    ("แม่ของจายคำขายของอยู่ที่ตลาด", [("PERSON", "จายคำ")]),
    ("เพื่อนชื่อนาหวาเป็นคนลาหู่", [("PERSON", "นาหวา")]),
    ("ได้ข่าวว่าเพื่อนของน้องชื่อมะปรางกับปูก็ถูกพาไปด้วย", [("PERSON", "มะปราง"), ("PERSON", "ปู")]),
    ("คนพาไปคือจายหลาวค่ะ เป็นไทใหญ่", [("PERSON", "จายหลาว")]),
    ("My name is Mya Thandar and I came from Shan State.", [("PERSON", "Mya Thandar")]),
    ("Nong Ploy said she was fifteen.", [("PERSON", "Ploy")]),
    ("P'Noi from the POCHT said so.", [("PERSON", "Noi")]),
    ("The girls, Mee and Jaw, were both from the same Akha village.", [("PERSON", "Mee"), ("PERSON", "Jaw")]),
    # numbers
    ("เบอร์พ่อหนู0935528174ค่ะ", [("PHONE", "0935528174")]),
    ("เบอร์บ้าน ๐๕๓-๒๑๑-๔๔๔", [("PHONE", "๐๕๓-๒๑๑-๔๔๔")]),
    ("Call +66 (0) 81 234 5678 anytime", [("PHONE", "+66 (0) 81 234 5678")]),
    ("เลขบัตรเขา3570500112843ตำรวจเช็คแล้ว", [("ID_NUMBER", "3570500112843")]),
    ("บัตรเลขศูนย์ ๐-๕๗๙๙-๐๐๔๗๑-๒๓-๖ ค่ะ", [("ID_NUMBER", "๐-๕๗๙๙-๐๐๔๗๑-๒๓-๖")]),
    # handles, e-mail, URLs
    ("แอดไลน์ไปที่ jobdee_cm99 เพื่อนในห้อง", [("LINE_ID", "jobdee_cm99")]),
    ("ติ๊กต็อก @sai_sai2550", [("SOCIAL", "@sai_sai2550")]),
    ("ส่งให้ทางmdt.chiangrai@gmail.comแล้ว", [("EMAIL", "mdt.chiangrai@gmail.com")]),
    ("เฟซบุ๊กของนายหน้า facebook.com/jaikham.shop88 ปิดแล้ว", [("SOCIAL", "facebook.com/jaikham.shop88")]),
    ("the page was called Pan Pan Shopping CM, it looked normal", [("SOCIAL", "Pan Pan Shopping CM")]),
    # addresses stop before the province; birth dates need a birth word or a birth year
    ("หนูอยู่บ้านเลขที่ 45 หมู่ 3 ต.ป่าตึงงาม อ.เมือง จ.เชียงราย ค่ะ",
     [("ADDRESS", "บ้านเลขที่ 45 หมู่ 3 ต.ป่าตึงงาม อ.เมือง")]),
    ("They live in Ban Huai Khrai, Moo 3, Tambon Mae Yao.", [("ADDRESS", "Ban Huai Khrai, Moo 3, Tambon Mae Yao")]),
    ("หนูเกิด ๕ ก.ค. ๒๕๕๐ เจ้า", [("DATE_OF_BIRTH", "๕ ก.ค. ๒๕๕๐")]),
    ("Her DOB on the form says 14/08/2006.", [("DATE_OF_BIRTH", "14/08/2006")]),
    # vehicle plates: letters and digits with the province, or after a word for a plate
    ("รถตู้ทะเบียน นข 2741 ลำปาง จอดรออยู่", [("PLATE", "นข 2741 ลำปาง")]),
    ("ป้ายทะเบียน 2กท-5178 ค่ะ", [("PLATE", "2กท-5178")]),
    ("a pickup, registration 41-2290 Nan, left at dawn", [("PLATE", "41-2290 Nan")]),
    # passports after their name
    ("ยึดหนังสือเดินทางเลขที่ MD2290417 ไว้", [("ID_NUMBER", "MD2290417")]),
    # bank accounts: the printed 3-1-5-1 shape, or 10 to 12 digits after a word for an account
    ("นายหน้าให้โอนเข้า 406-2-71835-9 ทุกเดือน", [("BANK_ACCOUNT", "406-2-71835-9")]),
    ("เลขบัญชี ๐๓๑๒๔๕๖๗๘๙ ค่ะ", [("BANK_ACCOUNT", "๐๓๑๒๔๕๖๗๘๙")]),
    # villages: where a person comes from or lives, or an unknown name after หมู่บ้าน
    ("น้องมาจากบ้านสามัคคีพัฒนา ค่ะ", [("ADDRESS", "บ้านสามัคคีพัฒนา")]),
    ("ครอบครัวพักอาศัยที่หมู่บ้านเปียงคำ", [("ADDRESS", "บ้านเปียงคำ")]),
    # a personal title before a word that is also part of a place name; what a person says or does not do
    ("We phoned Auntie Chan before the raid.", [("PERSON", "Chan")]),
    ("Faith reported that she had been sold twice.", [("PERSON", "Faith")]),
    ("In the end Hope didn't want to go back.", [("PERSON", "Hope")]),
    ("the other girls called me Pim.", [("PERSON", "Pim")]),
    # court and police case numbers after the words that name them; a migrant worker's card number
    ("ศาลพิพากษาในคดีหมายเลขดำที่ อ.1234/2566 แล้ว", [("CASE_NUMBER", "อ.1234/2566")]),
    ("รับคำร้องทุกข์ตามคดีอาญาที่ 88/2566 ไว้", [("CASE_NUMBER", "88/2566")]),
    ("ลงบันทึกไว้ตาม ปจว. ข้อ 12 ค่ะ", [("CASE_NUMBER", "ปจว. ข้อ 12")]),
    ("The verdict was upheld in Red Case No. 901/2566.", [("CASE_NUMBER", "901/2566")]),
    ("His pink card number is 5512093384, the boss keeps it.", [("ID_NUMBER", "5512093384")]),
    ("Her passport (No. MB2290417) was taken.", [("ID_NUMBER", "MB2290417")]),
    # a person by what only a person does, by whom they met, by what they are known as
    ("Golf drove the girls to the border.", [("PERSON", "Golf")]),
    ("Progress note: Grace refused lunch again.", [("PERSON", "Grace")]),
    ("I met Ploy at the shelter last year.", [("PERSON", "Ploy")]),
    ("The recruiter, known locally as 'Ice', was arrested.", [("PERSON", "Ice")]),
    ("So Bank, that's his nickname, paid the fee.", [("PERSON", "Bank")]),
    # a naming word after a name or a title is the cue of the next name, never part of one
    ("ผู้เสียหาย ด.ญ.นันทิชา ชื่อเล่น มด ถูกส่งต่อมา", [("PERSON", "นันทิชา"), ("PERSON", "มด")]),
    ("น้องชื่อเล่นว่ามด อายุ 14", [("PERSON", "มด")]),
    # a word that is part of place names is a person where only a person can stand; names joined to a name
    ("So then Nam called me, she said to wait.", [("PERSON", "Nam")]),
    ("The broker, a Hmong woman known as Mai, recruited girls.", [("PERSON", "Mai")]),
    ("Beer said, 'the boss is a policeman.'", [("PERSON", "Beer")]),
    ("Honestly, Joy and Bee were the only two who agreed.", [("PERSON", "Joy"), ("PERSON", "Bee")]),
    # a name followed by the person's role in brackets
    ("ที่ประชุม ได้แก่ สุภาพร (นักสังคมสงเคราะห์) ธีระ (พนักงานสอบสวน)", [("PERSON", "สุภาพร"), ("PERSON", "ธีระ")]),
    ("Present: Grace (interpreter) and the MDT.", [("PERSON", "Grace")]),
    # who a quoted message speaks to; a person reached by phone; documents numbered with a space
    ('She showed me the message, it said "Rose, tonight 8pm, the hotel near the market".', [("PERSON", "Rose")]),
    ('เขาส่งไลน์มาว่า "ส้ม พรุ่งนี้หกโมงเย็นรอหน้าเซเว่นนะ"', [("PERSON", "ส้ม")]),
    ("After they go home they can call Bee on the shelter line.", [("PERSON", "Bee")]),
    ("Will from IOM came with us on the field visit.", [("PERSON", "Will")]),
    ("They filed Dawn's complaint as case 233/2566; police report no. 0456/2566 too.",
     [("PERSON", "Dawn"), ("CASE_NUMBER", "233/2566"), ("CASE_NUMBER", "0456/2566")]),
    ("จำเลยที่ 2 นายหลี่ เหวินหัว ให้การปฏิเสธ", [("PERSON", "หลี่ เหวินหัว")]),
    ("She holds Myanmar passport No. MC 774120 and a work permit No. WP 0398812.",
     [("ID_NUMBER", "MC 774120"), ("ID_NUMBER", "WP 0398812")]),
    # another country's phone numbers, pupils' numbers, passports in letters and digits, warrants, registrations
    ("เขาใช้เบอร์ +95 9 4127 6630 โทรมาหาแม่ทุกคืน", [("PHONE", "+95 9 4127 6630")]),
    ("เลขประจำตัวนักเรียน 04518 ครูแจ้งว่าขาดเรียน", [("ID_NUMBER", "04518")]),
    ("He left school in Grade 7 (student no. 02231).", [("ID_NUMBER", "02231")]),
    ("ถือหนังสือเดินทางเลขที่ C4K82JX19 เข้าออกหลายครั้ง", [("ID_NUMBER", "C4K82JX19")]),
    ("ถูกจับตามหมายจับศาลจังหวัดเชียงรายที่ จ.178/2567", [("CASE_NUMBER", "จ.178/2567")]),
    ("ศปคม. รับเรื่องไว้ เลขรับที่ CM-TIP-67-031 แล้ว", [("CASE_NUMBER", "CM-TIP-67-031")]),
    ("พี่เป็น case manager ของน้อง Mint ค่ะ", [("PERSON", "Mint")]),
    ("She said her boyfriend was called Will, but he was much older.", [("PERSON", "Will")]),
    ("เบอร์หนูเจ้า ศูนย์แปดหนึ่ง สี่ห้าหก เจ็ดแปดเก้าศูนย์ แต่ซิมบ่มีเงิน", [("PHONE", "ศูนย์แปดหนึ่ง สี่ห้าหก เจ็ดแปดเก้าศูนย์")]),
    ("In the Lahu family the father is Ja Lor.", [("PERSON", "Ja Lor")]),
    ("ได้เลขคดีมาเป็น 247/2566 แต่เลขรับแจ้ง ชม.0019/2567 หาย", [("CASE_NUMBER", "247/2566"), ("CASE_NUMBER", "ชม.0019/2567")]),
    ("รายงานเลขที่ ศปคม.ชร. 045/2567", [("CASE_NUMBER", "ศปคม.ชร. 045/2567")]),
    ("Report ref. POCHT-CM/2567/0193; daily report entry CR-MS 0412/2024.",
     [("CASE_NUMBER", "POCHT-CM/2567/0193"), ("CASE_NUMBER", "CR-MS 0412/2024")]),
    ("A Lao pickup, plate BK 4127, crossed the bridge.", [("PLATE", "BK 4127")]),
    ("The shelter in Mae Chan District is full.", [("ADDRESS", "Mae Chan District")]),   # below province level
    ("Ja Ka's father had already taken money from the broker.", [("PERSON", "Ja Ka")]),
    ("น้องเรียนอยู่โรงเรียนเทศบาลสันทรายหลวง ถ้ามีคนมาตามหาหนูที่อำเภอสองให้บอก",
     [("ADDRESS", "โรงเรียนเทศบาลสันทรายหลวง"), ("ADDRESS", "อำเภอสอง")]),
    ("แฟ้มเลขที่ พม.พร. 2567-019 and reference CM-POCHT 0412/2566",
     [("CASE_NUMBER", "พม.พร. 2567-019"), ("CASE_NUMBER", "CM-POCHT 0412/2566")]),
    ("ไซ แซ่ว่างที่เป็นนายหน้าก็เป็นญาติกับน้องเอง", [("PERSON", "ไซ แซ่ว่าง")]),
    ("Everybody in that village knew Sunny, he paid for everything.", [("PERSON", "Sunny")]),
    ("She lives at 12 Moo 4, Tambon Pa Tueng, Mae Chan District.", [("ADDRESS", "Moo 4, Tambon Pa Tueng, Mae Chan District")]),
    ("Three girls were identified: Dao, Fon and Nam.", [("PERSON", "Dao"), ("PERSON", "Fon"), ("PERSON", "Nam")]),
])
def test_identifiers_are_found(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "พี่ว่าเรื่องนี้ต้องคุยกับ พม. ก่อน",
    "น้องเขากลัวมาก ไม่กล้าพูดอะไรเลย พี่เขาบอกว่าเดี๋ยวพี่เขาจะโทรกลับ",
    "พ่อแม่ไปทำงานกรุงเทพฯ น้องอยู่กับตายาย แม่ป่วย",
    "ปี 2566 เรามีคดีเข้ามาสิบเจ็ดคดี ได้ชดเชยรายละ 30,000 บาท",
    "มติที่ประชุมครั้งที่ 2/2567 ให้ตั้งคณะทำงาน",
    "They drove a Toyota Fortuner and paid through PromptPay into a Kasikorn account.",
    "Police refused to register the complaint, and Immigration told us to wait.",
    "Article 3 of the Palermo Protocol was cited in semester 2/2024.",
    "Section 40 of the Child Protection Act B.E. 2546 applies, and Thailand and Myanmar signed it.",
    "หมู่เฮาบ่ได้เฮียนหนังสือกั๋นเจ้า ตื่นมาก็ต้องไปยะก๋าน",
    "เจ้าหน้าที่ (นักสังคมสงเคราะห์) และ พม. (ผู้ช่วย) มาเยี่ยม",
    "ผมทำงานที่ ศปคม. เชียงราย รหัส GOV-CR-04 ที่ สภ.แม่สาย",
    "Case number 1100701234565 is still pending at the juvenile court.",
    "The MDT met in Chiang Mai on Tuesday with MSDHS and POCHT staff at 9.30.",
    "We need more interpreters for Akha and Lahu children. Thank you so much.",
    "เจ้าหน้าที่ พม. ให้สัมภาษณ์วันที่ 14 มิถุนายน 2566",
    "ทั้งหมู่บ้านออกมาช่วยกันหาเด็ก เด็ก 15 คน มาจากบ้านเดียวกัน",
    "She moved to Nong Khai, then to Nong Bua Lam Phu.",
    "Prosecutors should question children only once. Agencies said that he was right.",
    "Media reported that the raid failed. In May we didn't want rain.",
    "ศูนย์ได้รับเงินบริจาค 1,250,000 บาท จากผู้บริจาค 312 ราย ในปี 2566",
    # districts after the district chief, ranks after a position, northern food and festivals, Northern Thai
    "นายอำเภอแม่จันเป็นประธานเปิดงานรณรงค์",
    "ติดต่อนักสังคมสงเคราะห์ชำนาญการของศูนย์ได้ทุกวัน",
    "ข้าวเหนียวกับน้ำพริกหนุ่มก่มี ป้อก่กิ๋นเหล้าทุกวัน งานยี่เป็งปีนี้คนเยอะ",
    'He wrote "Hello, are you free tonight?" and "Please, come to the market."',
    "Staff from MSDHS came later, and nobody from IOM came.",
    "The shelter in Phitsanulok is full, and venues in Chon Buri too. Thailand's case load grew.",
    "พนักงานสอบสวนหนึ่งนายรับผิดชอบคดีอาญาเฉลี่ยเดือนละ 25 คดี ตำรวจ 5 นายเข้าตรวจค้น",
    "Mother's Day is hard in the shelter. The Night Bazaar was busy during Yi Peng.",
    "น้องอาข่ากับน้องลาหู่ที่บ้านพักอู้กันคนละภาษา",
    "ในเอกสารให้เรียกผู้เสียหายด้วยชื่อสมมุติเท่านั้น",
    "ครู English มาสอนเด็กทุกวันเสาร์ ยอดบริจาคเพิ่มขึ้น +10.5% เป็น 2,300,000 บาท",
    "แม่อุ๊ยบ่ฮู้หนังสือเจ้า บ้านแม่อุ๊ยอยู่ใกล้วัด",
    "The hub is called Chiang Rai Hub, and the unit was called Police Eagle.",
    "The owner is Thai and the broker was Burmese. เด็กสิบห้าคน อายุสิบสี่ถึงสิบเจ็ดปี",
    "We knew Thai law. Mae Sai's school and Doi Tung's clinic are full.",
    "ที่ประชุมครั้งที่ 2/2567 รับทราบหนังสือที่ พม 0403/ว 112",
    "ชาวม้งแซ่ว่างอยู่หมู่บ้านนี้หลายหลังคาเรือน",
    "ศูนย์มีเจ้าหน้าที่ประจำอำเภอสองแห่ง โรงเรียนเทศบาล ในเมืองก็มี",
])
def test_ordinary_speech_is_left_alone(text: str) -> None:
    assert found(text) == []


@pytest.mark.parametrize("number,ok", [
    ("0-5710-12345-67-5", True), ("3 5099 01234 56 5", True), ("๓๕๗๐๑๐๐๔๕๒๘๑๗", True),
    ("1100701234565", False), ("9-5710-12345-67-5", False), ("123", False),
])
def test_thai_id_checksum(number: str, ok: bool) -> None:
    assert thai_id_checksum_ok(number) is ok


def test_spans_index_the_input_and_never_change_it() -> None:
    text = "คุณลำไย บุญมีที่เป็นนักสังคมสงเคราะห์ โทร 081-345-2290\nMs. Lamai Boonmee, 086 447 1923"
    copy = str(text)
    spans = detect(text)
    assert text == copy
    assert [s.type for s in spans] == ["PERSON", "PHONE", "PERSON", "PHONE"]
    assert all(text[s.start:s.end] == s.text for s in spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(spans))


def test_detect_checks_its_arguments() -> None:
    with pytest.raises(TypeError):
        detect(b"bytes")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown identifier type"):
        detect("x", types=["NAME"])
    assert [s.type for s in detect("Dao 0812345678", types=["PHONE"])] == ["PHONE"]


def test_overlaps_resolve_to_the_more_specific_type_and_cover_both() -> None:
    text = "abcdefghij"
    spans = resolve(text, [Span(0, 6, "PERSON", "abcdef"), Span(4, 9, "PHONE", "efghi")])
    assert spans == [Span(0, 9, "PHONE", "abcdefghi")]


def test_pseudonyms_are_consistent_and_follow_the_language() -> None:
    lines = list(redact_lines(["น้องฝ้ายโทรมาจากเบอร์ 081-345-2290", "Nong Fah called from 0813452290",
                               "น้องฝ้ายบอกว่า"]))
    assert lines[0] == "น้อง[ชื่อ-1]โทรมาจากเบอร์ [เบอร์โทร-1]"
    assert lines[1] == "Nong [NAME-2] called from [PHONE-1]"  # the same number, written differently
    assert lines[2] == "น้อง[ชื่อ-1]บอกว่า"


def test_names_style_uses_realistic_names_of_the_right_gender() -> None:
    pseudonymizer = Pseudonymizer("names", seed=1)
    out = redact_text("ด.ญ.นิภาพร ใจงาม และนายสมศักดิ์ ทองดี", pseudonymizer=pseudonymizer)
    assert "นิภาพร" not in out and "สมศักดิ์" not in out and "[" not in out
    from pythainlp.corpus import thai_female_names, thai_male_names

    girl = out.split("ด.ญ.")[1].split()[0]
    boy = out.split("นาย")[1].split()[0]
    assert girl in thai_female_names() and boy in thai_male_names()
    assert redact_text("ด.ญ.นิภาพร ใจงาม", pseudonymizer=pseudonymizer) == out.split(" และ")[0]
    with pytest.raises(ValueError, match="unknown pseudonym style"):
        Pseudonymizer("stars")


def test_redaction_maps_offsets() -> None:
    r = redact("Call Dao at 0812345678 now")
    assert r.text == "Call [NAME-1] at [PHONE-1] now"
    assert (r.map_start(0), r.map_start(5), r.map_end(8), r.map_start(12), r.map_end(22)) == (0, 5, 13, 17, 26)
    assert r.map_start(6) == 5 and r.map_end(6) == 13  # inside a replaced span: snap to its edges
    assert r.map_end(len(r.original)) == len(r.text)
    with pytest.raises(ValueError):
        r.map_start(100)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("กขคงนมยรลวสหอะาิีุูเแโใไ่้็์ ๐๑๒๓0123456789-.@_/:abcXYZ\n")), max_size=120))
def test_any_text_gives_valid_spans_and_offset_maps(text: str) -> None:
    r = redact(text)
    for span in r.spans:
        assert 0 <= span.start < span.end <= len(text) and text[span.start:span.end] == span.text
        assert span.type in ENTITY_TYPES
    positions = [r.map_start(i) for i in range(len(text) + 1)]
    assert positions == sorted(positions) and positions[-1] <= len(r.text)


def test_cli_redact_keeps_one_line_per_line(tmp_path) -> None:
    from typer.testing import CliRunner

    from fivep.cli import app

    source = tmp_path / "lines.txt"
    source.write_text("เบอร์พี่ 089 771 0456 นะคะ\n\nCall Dao at 0897710456\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["redact", str(source)])
    assert result.exit_code == 0, result.output
    assert result.stdout.split("\n") == ["เบอร์พี่ [เบอร์โทร-1] นะคะ", "", "Call [NAME-1] at [PHONE-1]", ""]
    piped = CliRunner().invoke(app, ["redact", "-"], input="ด.ญ.นิด\n")
    assert piped.stdout == "ด.ญ.[ชื่อ-1]\n"
    missing = CliRunner().invoke(app, ["redact", str(tmp_path / "nope.txt")])
    assert missing.exit_code == 1 and "file not found" in missing.stderr


def test_importing_privacy_stays_light() -> None:
    code = "import sys, fivep.privacy; print(any(m.startswith('pythainlp') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_the_name_model_is_lazy_and_adds_names_the_rules_miss() -> None:
    code = "import sys, fivep, fivep.privacy; print(any('crfsuite' in m or 'pythainlp' in m for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
    from fivep.privacy.learned import find_learned_names

    spans = list(find_learned_names("ตอนนั้นมีตั๊ก แนน แล้วก็ไอซ์ นั่งรถไปด้วยกันสามคน"))  # a training line
    assert "ไอซ์" in [s.text for s in spans] and all(s.rule == "model.crf" for s in spans)
    assert "GOV" not in [s.text for s in find_learned_names("รหัส GOV-CM-03 ส่งเรื่องไป พม. ที่เชียงราย เดือนเมษายน")]


@pytest.mark.parametrize("text", [
    # words of the field, dictionary words and school grades are not names without a context that makes
    # them one (the examples of issue 14), and nothing is cut out of the inside of a Thai word
    "Interpreters are a constant problem",
    "ทาง ศปคม. ประสานมาแล้วค่ะ",
    "ภาคประชาสังคมต้องเข้ามามีส่วนร่วม",
    "ขอเสริมนิดนึงนะคะ เรื่องสายด่วน 1300",
    "เพื่อนชนเผ่าเดียวกันช่วยแปลให้",
    "She is in Mor 4 now",
    "น้องเรียนอยู่ ม.4 ค่ะ",
    "เราประสานกับ พม. แล้ว",
    "น้องบางคนเป็นอาข่า บางคนเป็นลาหู่",
    "สามเดือนมันนานไปสำหรับเด็ก",
])
def test_field_words_are_not_names(text: str) -> None:
    assert detect(text) == []


@pytest.mark.parametrize("text,name", [
    # the same words are names where the context makes them one
    ("ฟ้าโทรมาตอนตีสอง บอกว่ากลัว", "ฟ้า"),
    ("แล้วเต้ยก็ไปบอกโบว์ว่าตำรวจมา", "โบว์"),
    ("เขาให้เรียกว่าเจ๊หงส์ ส่วนผู้ชายที่ขับรถชื่ออะไรไม่รู้", "หงส์"),
])
def test_context_makes_a_name(text: str, name: str) -> None:
    assert name in [s.text for s in detect(text)]


def test_the_thai_tokenizer_gives_newmms_tokens() -> None:
    """The filter's tokenizer runs nlpo3 where it agrees with newmm: its tokens must be newmm's."""
    import json
    from pathlib import Path

    from pythainlp.tokenize import Trie, word_tokenize

    from fivep.privacy.lexicon import thai, thai_tokenizer

    lex = thai()
    trie = Trie(set(lex.words) | lex.given_names | lex.family_names | lex.titles | lex.naming | lex.nicknames
                | lex.northern)
    root = Path(__file__).parent
    sets = [*sorted((root / "data" / "tagger").glob("*.jsonl")), *sorted((root / "data" / "privacy").glob("*.jsonl"))]
    texts = [json.loads(line)["text"] for path in sets
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts += [p.read_text(encoding="utf-8") for p in sorted((root.parent / "data" / "sample").rglob("*.txt"))]
    texts += ["ณ น่าน ไปๆ มาๆ ทั่ว ๆ ไป จริง ๆ  ๆ", "บก.ปคม. กับ พ.ต.อ.สมชาย ใจดี", "  เด็ก\n\nไป ๆ\tครับ  \t ค่ะ",
              "x\r\nไป ๆ\u00a0ครับ", "สวัสดิภาพผู้เสียหาย", "", " ", "ๆ", "เหมี้ยง"]
    assert sum(map(len, texts)) > 200_000
    tokenize = thai_tokenizer()
    for text in texts:
        assert tokenize(text) == list(word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=True)), text[:80]
