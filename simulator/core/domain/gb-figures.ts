/**
 * Published GB figures that scenario defaults are scaled from (docs/domain.md §4). Each carries its
 * docs/domain.md label; [ASSUMPTION] and [UNVERIFIED] values are defaults a scenario can override.
 */
export const GB = {
  /** ~32 m meters on the DCC network, Aug 2024 (V-8) ÷ ~1.8 meters per premises [DERIVED]. */
  premises: 17_800_000,
  /** SMETS1 share of meters: ~12 m of ~32 m (V-8) [DERIVED]. */
  smets1Share: 0.375,
  /**
   * Premises per CSP region [ASSUMPTION, docs/domain.md §3.4]: North 20–25 %; South (London, the
   * South East and South West, South Wales) taken as the most populous, Central the rest.
   */
  regionShares: { north: 0.22, central: 0.36, south: 0.42 },
  /** SMETS1 cohorts (S1-a, §3.3): IOC 22 %, MOC (Secure) 32 %, FOC 42 % + EDMI 4 %. */
  cohortShares: { ioc: 0.22, moc: 0.32, foc: 0.46 },
  /** Premises with gas: ~45 % of SMETS2 meters are gas at ~1.8 meters per premises [DERIVED]. */
  gasShare: 0.8,
  /** Premises with a PPMID [ASSUMPTION]: prepayment customers with a separate PPMID. */
  ppmidShare: 0.12,
  /** ≈ 200 k CH installs per month (§4.2, ElectraLink ~200 k electricity installs/month) ÷ 30.4. */
  chInstallsPerDay: 6_580,
  /**
   * P(no SM WAN at install) ≈ 0.7 % nationally (§3.2, 200 k of ~30 m premises) [ASSUMPTION split,
   * §3.4]: North's long-range radio leaves most gaps; South's rural South West and Wales more than Central.
   */
  noWanAtInstall: { north: 0.009, central: 0.005, south: 0.007 },
  /** 8.14.3 fault returns 1–3 %, 8.14.4 no-fault returns 0.5–1 % of installs [ASSUMPTION, §4.2]. */
  faultReturnShare: 0.02,
  noFaultReturnShare: 0.007,
  /**
   * Incidents raised per month, GB-wide [ASSUMPTION, docs/domain.md §4.2 U10: "tens of Category 1–2
   * per year, hundreds–thousands of Category 3–5 per month"]; no-WAN incidents come on top.
   */
  incidentsPerMonth: { cat1: 1, cat2: 4, cat3: 300, cat4: 1500, cat5: 800 },
} as const;
