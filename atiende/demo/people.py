"""Who is in the demo: the company's teams and agents, plans, organizations and customers.

Spanish (es-MX) data, not translatable text. Every e-mail address is under demo.atiende.mx, so
nothing the demo sends can reach a real mailbox; customers' own domains appear only in
conversations.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from atiende.accounts.models import Role
from atiende.customers.models import Segment

COMPANY = "Nopal Hosting"
PASSWORD = "demo"

# Team keys used throughout the plan.
FIRST_LINE = "soporte"
SECOND_LINE = "especialistas"

# Agent keys with a fixed role in the plan.
ADMIN = "admin"
SUPERVISOR = "supervisora"
COLLABORATOR = "colaborador"


@dataclass(frozen=True)
class TeamSpec:
    key: str
    name: str
    description: str


TEAMS = (
    TeamSpec(FIRST_LINE, "Soporte general",
             "Primer contacto: dominios, correo, facturación y dudas de la cuenta."),
    TeamSpec(SECOND_LINE, "Especialistas",
             "Segundo nivel: DNS, servidores, certificados SSL y casos escalados."),
)


@dataclass(frozen=True)
class AgentSpec:
    key: str
    email: str
    name: str
    role: str
    teams: tuple[str, ...] = ()

    @property
    def first_name(self) -> str:
        return self.name.split()[0]


AGENTS = (
    AgentSpec(ADMIN, "admin@demo.atiende.mx", "Héctor Salinas Treviño", Role.ADMIN),
    AgentSpec(SUPERVISOR, "supervisora@demo.atiende.mx", "Mariana Gutiérrez Lozano", Role.SUPERVISOR,
              (FIRST_LINE, SECOND_LINE)),
    AgentSpec("agente", "agente@demo.atiende.mx", "Daniela Ramírez Soto", Role.AGENT, (FIRST_LINE,)),
    AgentSpec("jorge", "jorge.mendez@demo.atiende.mx", "Jorge Méndez Aguilar", Role.AGENT, (FIRST_LINE,)),
    AgentSpec("fernanda", "fernanda.castillo@demo.atiende.mx", "Fernanda Castillo Ruiz", Role.AGENT,
              (SECOND_LINE,)),
    AgentSpec("ricardo", "ricardo.torres@demo.atiende.mx", "Ricardo Torres Villanueva", Role.AGENT,
              (FIRST_LINE, SECOND_LINE)),
    AgentSpec(COLLABORATOR, "colaborador@demo.atiende.mx", "Luis Ortega Delgado", Role.COLLABORATOR),
)
AGENT_BY_KEY = {a.key: a for a in AGENTS}

# Who takes tickets in each team, and how often.
TEAM_MEMBERS: dict[str, tuple[tuple[str, int], ...]] = {
    FIRST_LINE: (("agente", 5), ("jorge", 4), ("ricardo", 2)),
    SECOND_LINE: (("fernanda", 5), ("ricardo", 3)),
}


@dataclass(frozen=True)
class PlanSpec:
    name: str
    description: str


PLANS = (
    PlanSpec("Básico", "Atención por correo y portal en horario hábil; primera respuesta en un día hábil."),
    PlanSpec("Negocio", "Correo, portal, chat y teléfono en horario extendido; primera respuesta en cuatro horas hábiles."),
    PlanSpec("Empresarial", "Atención 24/7 por todos los canales, gerente de cuenta y primera respuesta en una hora."),
)


@dataclass(frozen=True)
class OrganizationSpec:
    key: str
    name: str
    segment: str
    sector: str  # a Sector key seeded by the customers migration
    plan: str
    account_manager: str | None
    notes: str


PYME, ENTERPRISE, MEDIA = "cafe", "mercazona", "bajio"

ORGANIZATIONS = (
    OrganizationSpec(PYME, "Café Tres Volcanes", Segment.PYME, "ecommerce", "Básico", None,
                     "Tienda en línea de café de especialidad de Coatepec, Veracruz. Hosting compartido y dos dominios."),
    OrganizationSpec(ENTERPRISE, "Grupo MercaZona", Segment.ENTERPRISE, "ecommerce", "Empresarial", SUPERVISOR,
                     "Marketplace nacional con alto tráfico en temporadas (Hot Sale, Buen Fin). Contrato anual."),
    OrganizationSpec(MEDIA, "Noticias del Bajío", Segment.PYME, "media", "Negocio", None,
                     "Periódico digital de León, Guanajuato. Sitio en WordPress y 40 cuentas de correo en la redacción."),
)


@dataclass(frozen=True)
class CustomerSpec:
    key: str
    name: str
    email: str | None
    organization: str | None
    domains: tuple[str, ...]
    mailbox: str  # the local part of the address they usually ask about
    phone: str | None = None
    whatsapp: str | None = None
    password: str | None = None
    organization_admin: bool = False
    billing: bool = False  # writes mostly about invoices and payments
    weight: int = 10  # how many of the tickets are theirs, relatively
    extra_tags: tuple[str, ...] = field(default=())
    called: str = ""  # how agents address them, when not the first word of the name

    @property
    def first_name(self) -> str:
        return self.called or self.name.split()[0]

    @property
    def identities(self) -> dict[str, str]:
        found = {"email": self.email, "phone": self.phone, "whatsapp": self.whatsapp}
        return {kind: value for kind, value in found.items() if value}


CUSTOMERS = (
    # Café Tres Volcanes (PyME)
    CustomerSpec("rosa", "Rosa María Hernández Vega", "cliente@demo.atiende.mx", PYME,
                 ("cafetresvolcanes.mx", "cafetresvolcanes.com.mx"), "pedidos",
                 whatsapp="+52 228 812 4455", password=PASSWORD, weight=18, called="Rosa María"),
    CustomerSpec("julio", "Julio César Morales Díaz", "julio.morales@demo.atiende.mx", PYME,
                 ("cafetresvolcanes.mx",), "julio", weight=8),
    CustomerSpec("paola", "Paola Jiménez Cruz", "paola.jimenez@demo.atiende.mx", PYME,
                 ("cafetresvolcanes.mx",), "facturacion", billing=True, weight=6),
    # Grupo MercaZona (enterprise)
    CustomerSpec("eduardo", "Eduardo Valdés Ibarra", "cliente2@demo.atiende.mx", ENTERPRISE,
                 ("mercazona.com.mx", "mercazona.mx", "envios-mercazona.mx"), "ti",
                 phone="+52 55 4321 8765", password=PASSWORD, organization_admin=True, weight=18,
                 extra_tags=("cliente-empresarial",)),
    CustomerSpec("claudia", "Claudia Reyes Montiel", "claudia.reyes@demo.atiende.mx", ENTERPRISE,
                 ("mercazona.com.mx",), "compras", billing=True, weight=10,
                 extra_tags=("cliente-empresarial",)),
    CustomerSpec("miguel", "Miguel Ángel Fuentes Rocha", "miguel.fuentes@demo.atiende.mx", ENTERPRISE,
                 ("mercazona.com.mx", "envios-mercazona.mx"), "devops", phone="+52 81 8340 1122", weight=12,
                 extra_tags=("cliente-empresarial",)),
    CustomerSpec("sofia", "Sofía Aguirre Lara", "sofia.aguirre@demo.atiende.mx", ENTERPRISE,
                 ("mercazona.mx",), "marketing", whatsapp="+52 55 2987 6150", weight=8,
                 extra_tags=("cliente-empresarial",)),
    # Noticias del Bajío (media)
    CustomerSpec("andrea", "Andrea Castañeda Olvera", "andrea.castaneda@demo.atiende.mx", MEDIA,
                 ("noticiasdelbajio.mx", "noticiasdelbajio.com.mx"), "redaccion", weight=12),
    CustomerSpec("raul", "Raúl Domínguez Pineda", "raul.dominguez@demo.atiende.mx", MEDIA,
                 ("noticiasdelbajio.mx", "radiobajio.mx"), "sistemas", phone="+52 477 716 2230", weight=12),
    CustomerSpec("lucia", "Lucía Navarro Estrada", "lucia.navarro@demo.atiende.mx", MEDIA,
                 ("noticiasdelbajio.mx",), "administracion", billing=True, weight=6),
    # Individual customers: no organization
    CustomerSpec("gabriel", "Gabriel Ortiz Campos", "gabriel.ortiz@demo.atiende.mx", None,
                 ("mi-negocio.mx", "tienda-ejemplo.com.mx"), "contacto", phone="+52 55 1234 5678", weight=14),
    CustomerSpec("patricia", "Patricia Ríos Medina", "patricia.rios@demo.atiende.mx", None,
                 ("consultorio-rios.com.mx",), "citas", whatsapp="+52 33 3615 2048", weight=10),
    CustomerSpec("ernesto", "Ernesto Salazar Quiroz", "ernesto.salazar@demo.atiende.mx", None,
                 ("ernestosalazar.mx",), "hola", weight=8),
    CustomerSpec("veronica", "Verónica Lara Paredes", "veronica.lara@demo.atiende.mx", None,
                 ("pasteleria-vero.mx",), "pedidos", whatsapp="+52 222 246 7788", weight=10),
    CustomerSpec("alberto", "Alberto Guzmán Treviño", None, None,
                 ("taller-guzman.com.mx",), "taller", phone="+52 442 215 9031", weight=8),
    CustomerSpec("carmen", "Carmen Villarreal Soto", None, None,
                 ("despacho-villarreal.mx",), "contacto", phone="+52 999 924 3310", weight=6),
)
CUSTOMER_BY_KEY = {c.key: c for c in CUSTOMERS}
