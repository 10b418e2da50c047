/**
 * Short news sentences of our own in seven languages, for measuring language detectors: an
 * "article" is two or three of one language's sentences, chosen by a seeded PRNG.
 */
import { mulberry32 } from './prng.js';

export const SENTENCES: Record<string, string[]> = {
  en: [
    'The central bank left interest rates unchanged on Thursday, saying inflation was easing.',
    'Heavy rain closed dozens of roads overnight and left thousands of homes without power.',
    'The government announced new measures to support small businesses hit by rising energy costs.',
    'Police said two people had been arrested after the protest turned violent late on Saturday.',
    'Shares in the carmaker fell sharply after it warned that profits would be lower this year.',
    'The minister told reporters that talks with the unions would resume next week.',
    'Thousands of fans gathered outside the stadium hours before the final began.',
    'Scientists say the new vaccine could be available to the public by the end of the year.',
    'The opposition leader called for an inquiry into how the contract had been awarded.',
    'Firefighters brought the blaze under control after working through the night.',
    'Exports rose for a third month in a row as demand from Asia recovered.',
    'The court ruled that the company had broken competition law and must pay a fine.',
  ],
  fr: [
    'La banque centrale a maintenu ses taux directeurs jeudi, estimant que l’inflation ralentissait.',
    'De fortes pluies ont coupé des dizaines de routes pendant la nuit et privé des milliers de foyers d’électricité.',
    'Le gouvernement a annoncé de nouvelles mesures pour soutenir les petites entreprises face à la hausse des prix de l’énergie.',
    'La police a indiqué que deux personnes avaient été interpellées après des heurts samedi soir.',
    'L’action du constructeur automobile a chuté après l’annonce de bénéfices en baisse cette année.',
    'Le ministre a déclaré aux journalistes que les négociations avec les syndicats reprendraient la semaine prochaine.',
    'Des milliers de supporters se sont rassemblés devant le stade plusieurs heures avant la finale.',
    'Selon les chercheurs, le nouveau vaccin pourrait être disponible pour le public d’ici la fin de l’année.',
    'Le chef de l’opposition a réclamé une enquête sur l’attribution du contrat.',
    'Les pompiers ont maîtrisé l’incendie après avoir travaillé toute la nuit.',
    'Les exportations ont progressé pour le troisième mois consécutif grâce à la reprise de la demande asiatique.',
    'Le tribunal a jugé que l’entreprise avait enfreint le droit de la concurrence et devait payer une amende.',
  ],
  de: [
    'Die Zentralbank hat die Leitzinsen am Donnerstag unverändert gelassen, da die Inflation nachlässt.',
    'Starker Regen hat über Nacht Dutzende Straßen gesperrt und Tausende Haushalte ohne Strom gelassen.',
    'Die Regierung kündigte neue Maßnahmen zur Unterstützung kleiner Unternehmen wegen steigender Energiekosten an.',
    'Die Polizei teilte mit, dass nach den Ausschreitungen am Samstagabend zwei Personen festgenommen wurden.',
    'Die Aktie des Autobauers brach ein, nachdem das Unternehmen vor einem geringeren Gewinn gewarnt hatte.',
    'Der Minister sagte Journalisten, die Gespräche mit den Gewerkschaften würden nächste Woche fortgesetzt.',
    'Tausende Fans versammelten sich Stunden vor dem Finale vor dem Stadion.',
    'Nach Angaben der Forscher könnte der neue Impfstoff bis zum Jahresende für die Öffentlichkeit verfügbar sein.',
    'Der Oppositionsführer forderte eine Untersuchung darüber, wie der Auftrag vergeben worden war.',
    'Die Feuerwehr brachte den Brand nach einem nächtlichen Einsatz unter Kontrolle.',
    'Die Exporte stiegen den dritten Monat in Folge, weil die Nachfrage aus Asien wieder anzog.',
    'Das Gericht entschied, dass das Unternehmen gegen das Wettbewerbsrecht verstoßen hat und eine Strafe zahlen muss.',
  ],
  es: [
    'El banco central mantuvo el jueves los tipos de interés sin cambios, al considerar que la inflación se modera.',
    'Las fuertes lluvias cortaron decenas de carreteras durante la noche y dejaron a miles de hogares sin luz.',
    'El Gobierno anunció nuevas medidas para apoyar a las pequeñas empresas afectadas por el alza de la energía.',
    'La policía informó de que dos personas fueron detenidas tras los disturbios del sábado por la noche.',
    'Las acciones del fabricante de automóviles se desplomaron después de que advirtiera de menores beneficios.',
    'El ministro dijo a los periodistas que las negociaciones con los sindicatos se reanudarán la próxima semana.',
    'Miles de aficionados se concentraron frente al estadio horas antes de la final.',
    'Según los científicos, la nueva vacuna podría estar disponible para el público antes de que termine el año.',
    'El líder de la oposición pidió una investigación sobre la adjudicación del contrato.',
    'Los bomberos lograron controlar el incendio tras trabajar durante toda la noche.',
    'Las exportaciones subieron por tercer mes consecutivo gracias a la recuperación de la demanda asiática.',
    'El tribunal dictaminó que la empresa había vulnerado la ley de competencia y deberá pagar una multa.',
  ],
  it: [
    'La banca centrale ha lasciato invariati i tassi d’interesse giovedì, affermando che l’inflazione sta rallentando.',
    'Le forti piogge hanno chiuso decine di strade durante la notte e lasciato migliaia di case senza corrente.',
    'Il governo ha annunciato nuove misure a sostegno delle piccole imprese colpite dal caro energia.',
    'La polizia ha riferito che due persone sono state arrestate dopo gli scontri di sabato sera.',
    'Le azioni della casa automobilistica sono crollate dopo l’annuncio di utili più bassi quest’anno.',
    'Il ministro ha detto ai giornalisti che i negoziati con i sindacati riprenderanno la prossima settimana.',
    'Migliaia di tifosi si sono radunati davanti allo stadio ore prima della finale.',
    'Secondo i ricercatori, il nuovo vaccino potrebbe essere disponibile per il pubblico entro la fine dell’anno.',
    'Il leader dell’opposizione ha chiesto un’inchiesta sull’assegnazione dell’appalto.',
    'I vigili del fuoco hanno domato l’incendio dopo aver lavorato per tutta la notte.',
    'Le esportazioni sono cresciute per il terzo mese consecutivo grazie alla ripresa della domanda asiatica.',
    'Il tribunale ha stabilito che l’azienda ha violato le norme sulla concorrenza e dovrà pagare una multa.',
  ],
  pt: [
    'O banco central manteve as taxas de juro inalteradas na quinta-feira, afirmando que a inflação está a abrandar.',
    'As chuvas fortes cortaram dezenas de estradas durante a noite e deixaram milhares de casas sem eletricidade.',
    'O governo anunciou novas medidas para apoiar as pequenas empresas afetadas pela subida dos preços da energia.',
    'A polícia informou que duas pessoas foram detidas depois dos confrontos de sábado à noite.',
    'As ações da fabricante de automóveis caíram depois de a empresa ter avisado que os lucros seriam menores.',
    'O ministro disse aos jornalistas que as negociações com os sindicatos serão retomadas na próxima semana.',
    'Milhares de adeptos juntaram-se em frente ao estádio horas antes da final.',
    'Segundo os cientistas, a nova vacina poderá estar disponível para o público até ao final do ano.',
    'O líder da oposição pediu um inquérito sobre a forma como o contrato foi atribuído.',
    'Os bombeiros controlaram o incêndio depois de trabalharem durante toda a noite.',
    'As exportações subiram pelo terceiro mês consecutivo graças à recuperação da procura asiática.',
    'O tribunal decidiu que a empresa violou a lei da concorrência e terá de pagar uma multa.',
  ],
  nl: [
    'De centrale bank heeft de rente donderdag ongewijzigd gelaten, omdat de inflatie afneemt.',
    'Zware regenval heeft vannacht tientallen wegen afgesloten en duizenden huishoudens zonder stroom gezet.',
    'De regering kondigde nieuwe maatregelen aan om kleine bedrijven te steunen die getroffen zijn door de hoge energieprijzen.',
    'De politie meldde dat twee mensen zijn aangehouden na de onrust van zaterdagavond.',
    'Het aandeel van de autofabrikant kelderde nadat het bedrijf had gewaarschuwd voor een lagere winst.',
    'De minister zei tegen verslaggevers dat de gesprekken met de vakbonden volgende week worden hervat.',
    'Duizenden fans verzamelden zich uren voor de finale voor het stadion.',
    'Volgens de onderzoekers kan het nieuwe vaccin voor het einde van het jaar voor het publiek beschikbaar zijn.',
    'De oppositieleider eiste een onderzoek naar de manier waarop het contract was gegund.',
    'De brandweer kreeg de brand onder controle na een hele nacht blussen.',
    'De export steeg voor de derde maand op rij doordat de vraag uit Azië herstelde.',
    'De rechtbank oordeelde dat het bedrijf het mededingingsrecht had geschonden en een boete moet betalen.',
  ],
};

export interface LanguageSample {
  language: string;
  text: string;
}

/** `perLanguage` articles for each language, of `sentences` sentences (default two or three). */
export function languageSamples(perLanguage: number, seed: number, sentences?: number): LanguageSample[] {
  const rng = mulberry32(seed);
  const out: LanguageSample[] = [];
  for (const [language, pool] of Object.entries(SENTENCES)) {
    for (let i = 0; i < perLanguage; i++) {
      const n = sentences ?? 2 + Math.floor(rng() * 2);
      const picked: string[] = [];
      while (picked.length < n) {
        const s = pool[Math.floor(rng() * pool.length)]!;
        if (!picked.includes(s)) picked.push(s);
      }
      out.push({ language, text: picked.join(' ') });
    }
  }
  return out;
}
