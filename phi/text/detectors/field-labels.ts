import type { EntityType } from '../../types';

/**
 * One vocabulary of record field names and form labels whose value is one kind of identifier,
 * shared by every reader of records (record-fields.ts, html-cells.ts). Only labels that mean one
 * thing in a record count ("name" and "code" also name drugs and diagnoses). Labels are compared
 * folded: lower case, accents removed, without spaces, "_", "-", ".", apostrophes.
 */
const FIELDS: Record<string, EntityType> = {};
const add = (type: EntityType, labels: string) => {
  for (const label of labels.split(',')) FIELDS[foldLabel(label)] = type;
};

const ASCII = /^[\x20-\x7e]*$/;
/** Folded labels seen lately: the same few keys recur on every line of a record. */
const folded = new Map<string, string>();

export function foldLabel(label: string): string {
  let f = folded.get(label);
  if (f !== undefined) return f;
  f = (ASCII.test(label) ? label : label.normalize('NFD').replace(/[\u0300-\u036f]/g, '')).toLowerCase().replace(/[-_. '’]/g, '');
  if (folded.size >= 2000) folded.clear();
  folded.set(label, f);
  return f;
}

// English (record syntaxes and forms).
add('NAME', 'given,family,givenname,givennames,familyname,firstname,lastname,surname,middlename,fullname,patientname,patient\'s name,ptname,legalname,maidenname');
add('DATE', 'birthdate,birthtime,dob,date of birth,born,bday');
add('STREET_ADDRESS', 'streetaddressline,streetaddress,street,addressline,addressline1,addressline2,line1,line2,addr1,addr2,homeaddress,patientaddress');
add('CITY', 'city,town,locality');
add('ZIP', 'postalcode,postcode,zip,zipcode');
add('PHONE', 'phone,telephone,tel,mobile,cellphone,homephone');
add('MRN', 'mrn,medicalrecordnumber');
// Spanish, Portuguese, Italian.
add('NAME', 'nombre,nombres,apellido,apellidos,primer apellido,segundo apellido,nombre completo,nombre y apellidos,nome,sobrenome,cognome,nome completo');
add('DATE', 'fecha de nacimiento,fecha nacimiento,f nacimiento,fecha nac,data de nascimento,data di nascita');
add('STREET_ADDRESS', 'direccion,domicilio,calle,endereco,morada,indirizzo,residenza');
add('CITY', 'ciudad,localidad,municipio,poblacion,cidade,citta,comune');
add('ZIP', 'codigo postal,cod postal,cp,cep,codice postale');
add('PHONE', 'telefono,movil,celular,telemovel,cellulare');
add('MRN', 'numero de historia clinica,historia clinica,nhc');
// German.
add('NAME', 'vorname,nachname,familienname,geburtsname,vor und nachname');
add('DATE', 'geburtsdatum,geb datum,geboren am');
add('STREET_ADDRESS', 'anschrift,adresse,strasse,wohnadresse,wohnanschrift');
add('CITY', 'wohnort,ort,stadt');
add('ZIP', 'plz,postleitzahl');
add('PHONE', 'telefon,telefonnummer,handy,mobil,mobilnummer');
// French.
add('NAME', 'nom,prenom,prenoms,nom de famille,nom de naissance,nom d\'usage,nom de jeune fille,nom et prenom');
add('DATE', 'date de naissance,ne le,nee le,ne(e) le');
add('STREET_ADDRESS', 'adresse postale,rue,domicile');
add('CITY', 'ville,commune');
add('PHONE', 'telephone,portable,tel portable,numero de telephone');

/** What a field or label says its value is, if it says one thing. */
export function fieldType(label: string): EntityType | undefined {
  return FIELDS[foldLabel(label)];
}

/**
 * Labels that also open a sentence ("Patient: alert and oriented"): their value is a name only
 * when it is written as one (see isNameCased).
 */
const SENTENCE_LABELS = new Set(['patient', 'patiente', 'paciente', 'patientin', 'pt', 'name']);
export const isSentenceLabel = (label: string) => SENTENCE_LABELS.has(foldLabel(label));

const PARTICLES = new Set(['de', 'del', 'della', 'di', 'da', 'do', 'dos', 'das', 'du', 'des', 'la', 'le', 'van', 'von', 'der', 'den', 'y', 'e', 'bin', 'ibn', 'al', 'el', 'ben', 'ter', 'zu']);

/** Two to six words, each capitalised or a name particle: "Ana de la Cruz", "María José Ortega". */
export function isNameCased(value: string): boolean {
  const words = value.trim().split(/[ \u00a0]+/);
  if (words.length < 2 || words.length > 6) return false;
  return words.every((w) => /^\p{Lu}/u.test(w) || PARTICLES.has(w));
}
