import type { ColumnClass, PhiCatalog } from '../../phi';

const table = (schema: string, name: string, columns: [string, ColumnClass][]) => ({
  database: 'CLINICAL', schema, name, columns: columns.map(([n, c]) => ({ name: n, class: c, source: 'config' as const })),
});

/** The catalog of the devstack's synthetic warehouse as a reviewer would pin it. */
export const clinicalCatalog: PhiCatalog = {
  target: 'clinical',
  tables: [
    table('PHI', 'PATIENTS', [
      ['PATIENT_ID', 'none'], ['MRN', 'MRN'], ['FIRST_NAME', 'NAME'], ['LAST_NAME', 'NAME'], ['DATE_OF_BIRTH', 'DATE'], ['SSN', 'SSN'],
      ['ADDRESS', 'STREET_ADDRESS'], ['CITY', 'CITY'], ['STATE', 'none'], ['ZIP', 'ZIP'], ['PHONE', 'PHONE'], ['EMAIL', 'EMAIL'],
      ['INSURANCE_MEMBER_ID', 'HEALTH_PLAN_ID'], ['CREATED_AT', 'none'],
    ]),
    table('PHI', 'ENCOUNTERS', [['ENCOUNTER_ID', 'none'], ['PATIENT_ID', 'none'], ['ENCOUNTER_DATE', 'DATE'], ['ENCOUNTER_TYPE', 'none'], ['PROVIDER', 'NAME'], ['FACILITY', 'none']]),
    table('PHI', 'DIAGNOSES', [['DIAGNOSIS_ID', 'none'], ['ENCOUNTER_ID', 'none'], ['PATIENT_ID', 'none'], ['ICD10_CODE', 'none'], ['DESCRIPTION', 'none'], ['DIAGNOSED_ON', 'DATE']]),
    table('PHI', 'CLINICAL_NOTES', [['NOTE_ID', 'none'], ['ENCOUNTER_ID', 'none'], ['PATIENT_ID', 'none'], ['AUTHOR', 'NAME'], ['NOTE_TEXT', 'text'], ['CREATED_AT', 'none']]),
  ],
};
