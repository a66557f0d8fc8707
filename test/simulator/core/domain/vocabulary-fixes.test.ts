import { describe, expect, it } from 'vitest';
import { SRV_CATALOGUE } from '../../../../simulator/core/domain/srv-catalogue.js';
import { GB_ALERT_CODE_WEIGHTS } from '../../../../simulator/core/domain/traffic-defaults.js';
import { AlertCode, FirmwareAlert } from '../../../../simulator/core/domain/vocabulary.js';

describe('domain vocabulary', () => {
  it('keeps 0x8F72 for what GBCS names it, Firmware Verification Successful: the receipt alert, not an activation', () => {
    expect(FirmwareAlert.RECEIPT_VERIFIED).toBe('0x8F72');
    expect(Object.keys(AlertCode)).not.toContain('FIRMWARE_ACTIVATED');
    expect(Object.values(AlertCode)).not.toContain('0x8F72');
  });

  it('lists in AlertCode only codes the background alert traffic sends', () => {
    for (const code of Object.values(AlertCode)) expect([code, GB_ALERT_CODE_WEIGHTS[code] !== undefined]).toEqual([code, true]);
  });

  it('puts 1.1.1 Update Import Tariff with 1.2.1 Update Price: DUIS Service Reference 1, tariff and price', () => {
    const process = (srv: string) => SRV_CATALOGUE.find((e) => e.srv === srv)?.process;
    expect(process('1.1.1')).toBe('billing');
    expect(process('1.1.1')).toBe(process('1.2.1'));
  });
});
