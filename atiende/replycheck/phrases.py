"""The phrases the rules look for, per language ("es" covers es-MX; "en" English). Patterns are
matched on the lowercased text, accents kept, at word boundaries."""

from __future__ import annotations

import re

# Acronyms and brands written in capitals on purpose: never shouting, never misspelled.
ACRONYMS = frozenset("""
PDF IVA OXXO RFC SAT DNS SSL TLS CFDI SPEI CLABE CURP IMSS INE ISR MXN USD EUR CDMX NIP PIN ID OK FAQ SMS
HTTP HTTPS FTP SFTP SSH SMTP IMAP POP POP3 MX TXT CNAME AAAA NS SOA TTL SPF DKIM DMARC IP IPV4 IPV6 URL VPS
CPU RAM SSD HDD API PHP SQL CSS HTML JS XML CSV ZIP WWW WHOIS ICANN EPP GB MB KB TB BBVA HSBC UNAM CFE
TELMEX IT TI PC USB WIFI LAN WAN VPN CRM ERP SLA QR CP SA CV AM PM ASAP FYI CEO CTO RH IA AI OTP PYME
""".split())

GREETING = {
    "es": re.compile(r"^\W*(hola|buen(os|as)? (d[ií]as?|tardes|noches)|estimad[oa]s?|qu[eé] tal|saludos|apreciable|"
                     r"querid[oa]|buen d[ií]a)\b", re.I),
    "en": re.compile(r"^\W*(hi|hello|hey|dear|good (morning|afternoon|evening|day)|greetings)\b", re.I),
}
CLOSING = {
    "es": re.compile(r"\b(saludos|atentamente|atte|cordialmente|quedo (atent[oa]|a (sus|tus) [oó]rdenes)|"
                     r"quedamos (atent[oa]s|a (sus|tus) [oó]rdenes)|a (sus|tus) [oó]rdenes|un abrazo|gracias|"
                     r"(excelente|buen|bonito) d[ií]a|buena (tarde|noche)|hasta (pronto|luego)|equipo de|"
                     r"que (tengas?|est[eé]s?) (muy )?bien|feliz (d[ií]a|tarde|semana|fin de semana))\b", re.I),
    "en": re.compile(r"\b(regards|best|sincerely|cheers|thanks|thank you|all the best|take care|"
                     r"have a (great|good|nice|lovely) (day|week|weekend|evening)|the .{1,40} team|talk soon|"
                     r"kind regards|warm regards|yours)\b", re.I),
}
# A promise with no time. "hasta pronto" / "see you soon" are farewells, not promises.
VAGUE_TIME = {
    "es": re.compile(r"\b(lo (m[aá]s )?(antes|pronto) posible|a la (mayor )?brevedad( posible)?|en breve|"
                     r"(?<!hasta )pronto|pr[oó]ximamente|en cuanto (podamos|se pueda)|m[aá]s adelante|"
                     r"en unos d[ií]as|en los pr[oó]ximos d[ií]as|en su momento|cuanto antes)\b", re.I),
    "en": re.compile(r"\b(as soon as (possible|we can)|asap|(?<!see you )(?<!talk )(?<!speak )soon|shortly|"
                     r"at (the|your) earliest( convenience)?|in due course|in a while|in the coming days|"
                     r"in a few days|before long|sometime)\b", re.I),
}
# A concrete time in the same sentence makes the promise a dated one ("en breve, antes de las 15:00").
CONCRETE_TIME = {
    "es": re.compile(r"\b(\d{1,2}(:\d{2})?\s*(h|hrs|horas|a\.? ?m\.?|p\.? ?m\.?)|a las \d|antes de las|hoy|"
                     r"mañana|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|"
                     r"\d+ (minutos|horas|días|dias)|(una|dos|tres) horas|mediod[ií]a)\b", re.I),
    "en": re.compile(r"\b(\d{1,2}(:\d{2})?\s*(am|pm|a\.m\.|p\.m\.|h)|by \d|today|tomorrow|tonight|monday|tuesday|"
                     r"wednesday|thursday|friday|saturday|sunday|\d+ (minutes|hours|days)|(one|two|three) hours|"
                     r"noon|end of (the )?day)\b", re.I),
}
VAGUE_FIX = {
    "es": ["hoy antes de las 18:00", "mañana antes de las 12:00", "en 2 horas"],
    "en": ["today by 6 p.m.", "tomorrow by noon", "within 2 hours"],
}
# Says it attaches something. Asking the customer to attach ("adjunta la captura") is not it.
ATTACHING = {
    "es": re.compile(r"\b((te|le|les) (adjunto|anexo|comparto|env[ií]o adjunt[oa]s?)|adjuntamos|anexamos|"
                     r"adjunto (el|la|los|las|encontrar[aá]s?|te|le|a este|al presente)|(va|van) adjunt[oa]s?|"
                     r"(archivo|documento|captura|factura|comprobante|pdf|gu[ií]a|imagen) adjunt[oa]|"
                     r"en el (archivo )?adjunto|encontrar[aá]s? adjunt[oa]s?)\b", re.I),
    "en": re.compile(r"\b((i|we)('ve| have)? attached|(i|we)('m|'re| am| are) attaching|please find attached|"
                     r"attached (is|are|you('ll| will)|please|file|document|invoice|pdf|screenshot|guide)|"
                     r"see (the )?attached|enclosed|in the attachment|(i|we)( will|'ll)? attach)\b", re.I),
}
# The problem is solved, or good news needs nothing more ("¡Qué gusto que ya funcione!").
SOLVED = {
    "es": re.compile(r"\b((todo|ahora|de nuevo) (funciona|sirve|est[aá] bien)|funciona (bien|de nuevo|otra vez|"
                     r"correctamente)|ya (qued[oó]|funciona|funcione|est[aá]|puede|puedes|podr[aá]s?|se (ve|puede|env[ií]a)|"
                     r"tiene|tienes|aparece|entra|llega|carga|abre|est[aá]n|se (resolvi[oó]|restableci[oó]))|"
                     r"qu[eé] gusto|me (da gusto|alegra)|nos (da gusto|alegra)|(qued[oó]|est[aá]) (resuelt|solucionad|"
                     r"listo|arreglad|activ|restablecid|corregid)|listo|resuelto|solucionado|restablecimos|"
                     r"corregimos|activamos|renovamos|reembolsamos|(hemos|he) (resuelto|corregido|restablecido|"
                     r"activado|renovado|aplicado|enviado|adjuntado)|(te|le|les) (adjunto|env[ií]o|mando|comparto|"
                     r"adjuntamos|enviamos|mandamos))", re.I),
    "en": re.compile(r"\b((is|are|has been|have been|was|were) (now )?(fixed|resolved|solved|restored|working|"
                     r"active|renewed|back)|works (now|again)|working again|you can now|you('re| are) all set|"
                     r"glad (it|that|to hear)|great news|(we|i)('ve| have)? (fixed|resolved|restored|renewed|"
                     r"refunded|activated|applied|corrected|attached|sent|added|created|updated|changed|moved)|"
                     r"here (is|are) (your|the))", re.I),
}
# What happens next or what the customer does: an instruction, our next action, a question.
NEXT_STEP = {
    "es": re.compile(r"(\?|\b((te|le|les) (avis|escrib|llam|contact|confirm|envi|mand|compart|dam|dar|respond|"
                     r"ayud|resolv|marc|busc|regres|report)\w*|deber[aá]s?|deber[aá]n|tendr[aá]s? que|hay que|"
                     r"es necesario|necesitas|puedes|puede|podr[aá]s|podr[aá]|"
                     r"\w{2,}(ar|er|ir)(emos|án|á)|tendremos|haremos|(resp[oó]nde|escr[ií]be|av[ií]sa|c[uú]enta|m[aá]nda|env[ií]a|comp[aá]rte|"
                     r"conf[ií]rma|ll[aá]ma|dime|d[ií]game|ind[ií]ca)(me|nos|le)\b|"
                     r"(pru[eé]ba|rev[ií]sa|int[eé]nta|c[oó]mpra|ren[uú]eva|act[ií]va|desc[aá]rga|inst[aá]la|"
                     r"c[aá]mbia|gu[aá]rda|[aá]bre|c[ií]erra|b[oó]rra|[eé]nvia|p[aá]ga|c[oó]pia|p[eé]ga)(lo|la|los|las)\b|"
                     r"(me|nos) (avisas|dices|cuentas|confirmas|mandas|env[ií]as|compartes|escribes|marcas|llamas|"
                     r"avisa|dice|cuenta|confirma|manda|env[ií]a|comparte|escribe|marca|llama)\b|"
                     r"(vamos|voy|van|va) a|estar[eé]mos|(revisar|enviar|llamar|escribir|avisar|confirmar|"
                     r"contactar|actualizar)(emos|[eé]|[aá])|seguimos|"
                     r"(intenta|intente|prueba|pruebe|revisa|revise|entra|entre|ingresa|ingrese|da clic|d[eé] clic|"
                     r"haz clic|haga clic|reinicia|reinicie|cambia|cambie|confirma|confirme|resp[oó]nde|responda|"
                     r"env[ií]a|env[ií]e|env[ií]anos|m[aá]nda|comp[aá]rte|av[ií]sa|av[ií]se|sigue|siga|"
                     r"abre|abra|cierra|cierre|borra|borre|elimina|elimine|descarga|descargue|escribe|escriba|"
                     r"adjunta|adjunte|llama|llame|espera|espere|verifica|verifique|checa|cheque|actualiza|"
                     r"actualice|paga|pague|selecciona|seleccione|copia|copie|pega|pegue)\b|"
                     r"puedes|puede usted|podr[ií]as|podr[ií]a|te pido|le pido|te pedimos|le pedimos|necesitamos|"
                     r"necesito|en cuanto|pasos|paso \d|\n\s*\d+[.)]|cuando (tengas|tenga)|si (sigue|contin[uú]a|"
                     r"vuelve|persiste|tienes|tiene)))", re.I),
    "en": re.compile(r"(\?|\b((we|i)('ll| will| are going to|'re going to| am going to)|please|try|click|go to|"
                     r"must|need to|have to|you('ll| will) need|will|going to|"
                     r"open|check|restart|reply|let (us|me) know|send (us|me)|follow|you can|you could|could you|"
                     r"would you|next|steps?|once|when you|if (it|this|that|the)|(we|i)('re| are| am) (checking|"
                     r"working|looking)|call|update|change|enter|log in|sign in|reset|wait|pay|select|copy|paste)\b|"
                     r"\n\s*\d+[.)])", re.I),
}
# Abbreviations written with a full stop: words, not misspellings.
ABBREVIATIONS = {
    "es": frozenset("atte sr sra srta sres lic ing dr dra ud uds tel cel núm etc aprox depto col av fracc mtro mtra".split()),
    "en": frozenset("mr mrs ms dr st etc approx dept tel no".split()),
}
# Words that carry no subject when matching a customer's question to the reply.
STOPWORDS = {
    "es": frozenset("""
a al algo algún alguna alguno ante antes aquí así aun aún bien cada como cómo con contra cual cuál cuales cuáles
cuando cuándo cuanto cuánto de del desde donde dónde el él ella ellas ellos en entre era es esa ese eso esta está
estaba están este esto estos estoy fue favor gracias ha hace hacer han hay hola la las le les lo los más me mi
mis mucho muy nada ni no nos nosotros o otra otro para pero poco por porque puede pueden puedo pudiera qué que
quien quién se sea según ser si sí sin sobre son su sus también tan tanto te tengo tiene tienen todo todos tu
tú tus un una uno unos usted ustedes va vamos ver y ya yo saber quisiera quiero querría podrían podría podrías
ayuda ayudar ayudan ayudarme necesito pasa pasó dicen dice buenas buenos días tardes noches saludos ustedes
alguien tendrán tendrían debo debería cuál hago hacemos también
""".split()),
    "en": frozenset("""
a about after again all am an and any are as at be been before being but by can could did do does doing done
for from get got had has have having he her here hi hello him his how i if in into is it its just know let me
my no not now of on or our out please so some still than thanks thank that the their them then there these
they this those to too up us was we were what when where which who whom why will with would you your yours
help anyone someone should shall might may must need needs wondering wonder tell
""".split()),
}
