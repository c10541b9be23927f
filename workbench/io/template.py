"""The Excel template a team leader fills in: ``Tværs_skabelon.xlsx``.

Written from the register's own contract (:data:`workbench.io.register.TABLES`): one sheet per table with its
Danish name and Danish headers, a drop-down list wherever the contract allows only some values (roles, ja/nej,
barn/voksen, ...), date cells shown as dd-mm-åååå, and a first sheet 'Vejledning' that explains every column.
The follow-up rules are filled in from the package (the law's clocks and the models'), since a team leader
keeps them, rather than writes them.  A filled-in template loads with ``read_register`` as it is.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import xlsxwriter

from workbench import catalogue
from workbench.files import write_atomic
from workbench.io.register import GUIDE_SHEETS, TABLES, Col, Table, default_rules, register_frames
from workbench.io.safe_cells import XLSX_OPTIONS, as_text
from workbench.model import Register

TEMPLATE_NAME = "Tværs_skabelon.xlsx"
ROWS = 1000
"""Rows with drop-down lists and date formats on each sheet."""
YES_NO = ("ja", "nej")
KIND_DA = {"str": "tekst", "int": "helt tal", "float": "tal (komma eller punktum)", "bool": "ja eller nej",
           "date": "dato, fx 21-12-2027", "list": "flere værdier adskilt med ;"}


def choices_of(column: Col) -> tuple[str, ...]:
    """The values a cell may take, for the drop-down list: the contract's own choices, every role code for a
    role, ja/nej for a yes/no column."""
    if column.choices:
        return tuple(c for c in column.choices if c)
    if column.name == "role":
        return tuple(catalogue.roles())
    if column.kind == "bool":
        return YES_NO
    return ()


def template_bytes(register: Register | None = None) -> bytes:
    """The template as the bytes of an .xlsx file (for a download button and for ``write_template``); with a
    ``register``, filled in with its data (the team leader's own data in the Danish workbook)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, **XLSX_OPTIONS})
    formats = {"head": book.add_format({"bold": True, "bg_color": "#E3F2FD", "border": 1, "text_wrap": True,
                                        "valign": "top"}),
               "date": book.add_format({"num_format": "dd-mm-yyyy"}),
               "title": book.add_format({"bold": True, "font_size": 14}),
               "wrap": book.add_format({"text_wrap": True, "valign": "top"})}
    guide_name, lists_name = GUIDE_SHEETS
    lists = book.add_worksheet(lists_name)
    guide = book.add_worksheet(guide_name)
    _write_guide(guide, formats)
    frames = register_frames(register or Register(staff=(), families=(), rules=default_rules()))
    list_column = 0
    for table in TABLES:
        sheet = book.add_worksheet(table.da)
        sheet.freeze_panes(1, 0)
        for number, column in enumerate(table.columns):
            sheet.write_string(0, number, column.da, formats["head"])
            sheet.set_column(number, number, max(14, min(40, len(column.da) + 4)),
                             formats["date"] if column.kind == "date" else None)
            if column.description:
                sheet.write_comment(0, number, column.description)
            allowed = choices_of(column)
            if allowed:
                lists.write_string(0, list_column, f"{table.da}: {column.da}")
                for row, value in enumerate(allowed, start=1):
                    lists.write_string(row, list_column, value)
                letter = xlsxwriter.utility.xl_col_to_name(list_column)
                sheet.data_validation(1, number, ROWS, number, {
                    "validate": "list", "source": f"={lists_name}!${letter}$2:${letter}${len(allowed) + 1}",
                    "input_title": column.da[:32], "input_message": "Vælg på listen"[:255],
                    "error_title": "Ikke på listen", "error_message": f"Vælg en af værdierne på listen ({column.da})."})
                list_column += 1
            elif column.kind == "date":
                sheet.data_validation(1, number, ROWS, number, {
                    "validate": "date", "criteria": "between", "minimum": pd.Timestamp("2000-01-01").to_pydatetime(),
                    "maximum": pd.Timestamp("2100-12-31").to_pydatetime(), "input_title": column.da[:32],
                    "input_message": "Dato, fx 21-12-2027", "error_title": "Ikke en dato",
                    "error_message": "Skriv en dato mellem 2000 og 2100, fx 21-12-2027."})
            elif column.name == "workdays":
                sheet.data_validation(1, number, ROWS, number, {
                    "validate": "any", "input_title": "Arbejdsdage", "input_message": "fx man;tir;ons;tor;fre"})
        if table.name in frames and (register is not None or table.name == "followup_rules"):
            _write_rows(sheet, table, frames[table.name], formats)
    lists.hide()
    guide.activate()
    book.close()
    return buffer.getvalue()


def _write_rows(sheet, table: Table, frame: pd.DataFrame, formats: dict) -> None:
    """Rows of a contract table (English columns) under the sheet's Danish headers; dates as real dates."""
    for row, record in enumerate(frame.to_dict("records"), start=1):
        for number, column in enumerate(table.columns):
            value = record.get(column.name, "")
            if column.kind == "date" and value:
                sheet.write_datetime(row, number, pd.Timestamp(value).to_pydatetime(), formats["date"])
            elif value != "":
                sheet.write_string(row, number, str(as_text(value)))


def _write_guide(sheet, formats: dict) -> None:
    """The first sheet: how to fill in the template, and every table and column in plain Danish."""
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 26)
    sheet.set_column(3, 3, 70)
    sheet.write_string(0, 0, "Tværs – skabelon til kommunens data", formats["title"])
    lines = ("Udfyld et ark pr. tabel. Overskrifterne i første række skal blive stående; rækkefølgen er ligegyldig.",
             "Datoer skrives som 21-12-2027 (eller 2027-12-21). Ja/nej-felter: ja eller nej. "
             "Flere værdier i ét felt adskilles med semikolon, fx man;tir;ons.",
             "Skriv aldrig CPR-numre: familier og personer har kun et id, fx F0001 og F0001-B1.",
             "Ark med (valgfri) kan stå tomme. Opfølgningsreglerne er udfyldt med lovens frister og modellernes "
             "kadencer; ret kun i dem, hvis kommunen følger andre.",
             "Indlæs filen på startsiden eller med: workbench validate --data Tværs_skabelon.xlsx")
    for row, line in enumerate(lines, start=1):
        sheet.write_string(row, 0, line)
    row = len(lines) + 2
    for header, number in (("Ark", 0), ("Skal udfyldes", 1), ("Kolonne", 2), ("Hvad", 3)):
        sheet.write_string(row, number, header, formats["head"])
    for table in TABLES:
        row += 1
        sheet.write_string(row, 0, table.da + ("" if table.required else " (valgfri)"), formats["head"])
        sheet.write_string(row, 3, table.description, formats["wrap"])
        for column in table.columns:
            row += 1
            must = "ja" if column.required and not column.blank_ok else "nej"
            what = column.description or ""
            allowed = choices_of(column)
            detail = f"{KIND_DA[column.kind]}" + (f"; en af: {', '.join(allowed)}" if allowed and len(allowed) < 12
                                                  else "; vælg på listen" if allowed else "")
            sheet.write_string(row, 1, must)
            sheet.write_string(row, 2, column.da)
            sheet.write_string(row, 3, f"{what} ({detail})" if what else detail, formats["wrap"])


def write_template(target: str | Path, register: Register | None = None) -> Path:
    """Write the template to ``target`` (a file, or a folder to put ``Tværs_skabelon.xlsx`` in), whole or not
    at all; with a ``register``, filled in with its data."""
    target = Path(target)
    if target.is_dir():
        target = target / TEMPLATE_NAME
    write_atomic(target, template_bytes(register))
    return target
