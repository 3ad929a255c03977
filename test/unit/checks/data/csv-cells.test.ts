// Reading CSV fields in place: the numbers and kinds the parser makes without a string per field are exactly what
// textNumber and textKinds make of the field's text.
import { textKinds, textNumber } from '../../../../shared/src/checks/data/cells';
import { CellMode, kindBits, kindsAt, scanField } from '../../../../shared/src/checks/data/csv-cells';
import { CsvParser } from '../../../../shared/src/checks/data/csv';
import * as cells from '../../../../shared/src/checks/data/csv-cells';

const FIELDS = [
  '0', '-0', '+0', '00012', '7', '-7', '+7.', '.5', '-.5', '5.', '1.25', '-0.0000', '123456789012345', '1234567890123456',
  '12345678901234567890', '-999999999999999999', '9223372036854775808', '0.1234567890123456789012', '1.00000000000000000000001',
  '1e5', '1E-5', '-2.5e+10', '1e', 'e5', '.', '-', '+', '1.2.3', '1,5', 'NaN', 'Inf', '-Inf', '+Infinity', 'Infinity', 'nan',
  'true', 'FALSE', 'True', 'tru', 'falsey', 'level3', 'k12', ' 1', '1 ', '0x10', '١٢', '12a', 'north',
];

describe('CSV fields read in place', () => {
  it.each(FIELDS)('%j: kindsAt and scanField agree with textNumber and textKinds', (f) => {
    const text = `x,${f},y`;
    if (f.indexOf(',') < 0) {
      // a field in the middle of a line, read in place
      expect(scanField(text, 2, text.length, CellMode.Number)).toBe(2 + f.length);
      expect(Object.is(cells.scanned, textNumber(f))).toBe(true);
    }
    const k = textKinds(f);
    const bits = (k.integer ? 1 : 0) | (k.double ? 2 : 0) | (k.boolean ? 4 : 0);
    expect(kindBits(f)).toBe(bits);
    expect(kindsAt(text, 2, 2 + f.length)).toBe(bits);
    for (const end of [',', '\n', '\r']) {
      const t = `${f}${end}rest`;
      expect(scanField(t, 0, t.length, CellMode.Kinds)).toBe(f.indexOf(',') >= 0 ? f.indexOf(',') : f.length);
      if (f.indexOf(',') < 0) {
        expect(cells.scanned).toBe(bits);
        scanField(t, 0, t.length, CellMode.Number);
        expect(Object.is(cells.scanned, textNumber(f))).toBe(true);
      }
    }
    // the text ends inside the field: the caller keeps the piece
    if (f.indexOf(',') < 0) expect(scanField(f, 0, f.length, CellMode.Number)).toBe(f.length);
  });

  it('a parser given modes reads numbers and kinds, also across pieces and quoted, and keeps the header as text', () => {
    const records: unknown[][] = [];
    const p = new CsvParser('t.csv', () => Uint8Array.from([1, 0, 2]));
    for (const piece of ['a,b,c\n1.5,x,', '7\n-2', '.25,"q",1e3\n"3",,tr', 'ue\r\n']) p.feed(piece, records as never);
    p.end(records as never);
    expect(records).toEqual([
      ['a', 'b', 'c'],
      [1.5, 'x', 3],
      [-2.25, 'q', 2],
      ['3', null, 4],
    ]);
  });
});
