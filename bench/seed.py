"""Fast loader for the benchmark database: 1,000,000 tickets and ~3,000,000 messages by default.

Everything is generated inside PostgreSQL with INSERT ... SELECT generate_series (no rows travel
through Python), on two connections at once where the work splits cleanly. Secondary indexes of
the big tables are dropped before loading and rebuilt afterwards from their own definitions, and
foreign-key triggers are skipped for the loading sessions (`session_replication_role = replica`,
superuser only); the generated data is consistent by construction (see the checks at the end).

Usage (from the repository root):

    .venv/bin/python bench/seed.py --database-url postgres://postgres@127.0.0.1:5432/atiende_bench --reset

It refuses the databases named `atiende` and `test_*`. `--reset` drops and recreates the bench
database, then runs `atiende migrate`. API tokens for the bench users are issued through
`atiende.accounts.services.token_issue` and written with the designated ids to
bench/results/tokens.json (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/atiende_bench"

# Who is who (ids are assigned explicitly on a freshly migrated database).
DESIGNATED_AGENT_ID = 1  # role "agent", member of teams 1 and 2: the ticket-list and ticket-page user
ADMIN_ID = 2
FIRST_AGENT_ID = 3  # agents 3 .. 3 + agents - 1; agent k belongs to team ((k - 3) % teams) + 1
CLIENT_AGENTS = 8  # the ticket-creation clients authenticate as the first 8 agents
CUSTOMER_EMAIL = "cliente{n}@clientes.bench.mx"  # n = 1 .. customers

SUBJECTS = [
    "No llegó mi pedido", "Factura duplicada", "Cambio de talla", "Reembolso pendiente",
    "El pago fue rechazado", "Producto dañado al recibirlo", "¿Cuándo envían mi pedido?",
    "No puedo iniciar sesión", "Solicito factura CFDI", "Garantía de producto",
    "Cancelar suscripción", "Cupón no aplicado", "Dirección de envío incorrecta",
    "Devolución de mercancía", "Cobro no reconocido", "Pedido incompleto",
]
PHRASES = [
    "Buenas tardes, les escribo porque hice un pedido la semana pasada y todavía no tengo noticias.",
    "Hola, el paquete llegó con la caja abierta y falta uno de los artículos que compré.",
    "Gracias por su paciencia; ya revisamos el caso con el área de logística y le damos seguimiento.",
    "Le confirmamos que el reembolso se procesó y se verá reflejado en 5 a 10 días hábiles.",
    "Necesito la factura con mi RFC para poder deducir la compra este mes, por favor.",
    "Adjunto la guía de envío y una foto del producto tal como lo recibí.",
    "Nota interna: el cliente ya llamó dos veces, conviene escalar con el proveedor.",
    "¿Me pueden ayudar a cambiar la dirección de entrega? Me mudé hace poco.",
]
FIRST_NAMES = ["María", "José", "Guadalupe", "Juan", "Fernanda", "Luis", "Ximena", "Carlos", "Sofía",
               "Miguel", "Valeria", "Jorge", "Camila", "Ricardo", "Daniela", "Alejandro", "Paola", "Arturo"]
LAST_NAMES = ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Rodríguez", "Sánchez",
              "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes", "Jiménez", "Torres"]


def sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]::text[]"


def log(message: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:7.1f}s] {message}", flush=True)


def check_url(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name or name == "atiende" or name.startswith("test_") or name in {"postgres", "template0", "template1"}:
        sys.exit(f"Refusing to seed database {name!r}: use a dedicated one such as atiende_bench.")
    return name


def recreate_database(url: str, name: str) -> None:
    admin_url = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def django_setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atiende.settings.base")
    os.environ.setdefault("DEBUG", "false")
    # The servers the benches start use this folder, and its secret key signs the tokens' stamps.
    os.environ.setdefault("ATIENDE_DATA_DIR", str(RESULTS / "data"))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def loading_connection(url: str) -> psycopg.Connection:
    conn = psycopg.connect(url, autocommit=True)
    conn.execute("SET synchronous_commit = off")
    conn.execute("SET maintenance_work_mem = '512MB'")
    conn.execute("SET work_mem = '64MB'")
    try:
        conn.execute("SET session_replication_role = replica")  # skip FK triggers while loading
    except psycopg.errors.InsufficientPrivilege:
        pass
    return conn


def run_parallel(url: str, statements: list[str]) -> None:
    """Run statements on separate connections at once (the machine has two cores)."""
    errors: list[BaseException] = []

    def work(sql: str) -> None:
        try:
            with loading_connection(url) as conn:
                conn.execute(sql)
        except BaseException as exc:  # re-raised below in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(sql,)) for sql in statements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


BIG_TABLES = ["accounts_user", "customers_customer", "customers_identity", "tickets_ticket",
              "tickets_message", "tickets_ticket_tags", "tickets_ticket_collaborators"]


def drop_secondary_indexes(conn: psycopg.Connection) -> list[str]:
    """Drop the indexes that back no constraint; return their definitions to rebuild them."""
    rows = conn.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = ANY(%s::regclass[])
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        """,
        [BIG_TABLES],
    ).fetchall()
    for name, _definition in rows:
        conn.execute(f"DROP INDEX {name}")
    return [definition for _name, definition in rows]


def load(url: str, *, teams: int, agents: int, organizations: int, customers: int, tickets: int,
         messages: int, started: float) -> dict:
    per_ticket = messages / tickets  # average messages per ticket (3 at the default sizes)
    spread = max(1, round(per_ticket * 2 - 1))  # ticket i gets 1 .. spread messages, mean per_ticket
    random_tickets = tickets - 1  # plus the designated ticket
    designated_ticket = tickets
    last_agent = FIRST_AGENT_ID + agents - 1
    customer_user_offset = 1000  # customer n has user id 1000 + n
    with loading_connection(url) as conn:
        conn.execute("SELECT setseed(0.20250101)")
        definitions = drop_secondary_indexes(conn)
        log(f"dropped {len(definitions)} secondary indexes for the load", started)
        now = conn.execute("SELECT date_trunc('second', now())").fetchone()[0]
        now_sql = f"'{now.isoformat()}'::timestamptz"

        conn.execute(
            "INSERT INTO accounts_team (id, name, description, email_signature, escalation_team_id) "
            "SELECT g, 'Equipo ' || lpad(g::text, 2, '0'), 'Equipo de soporte ' || g, '', NULL "
            f"FROM generate_series(1, {teams}) g"
        )
        # Agents: the designated agent, an admin, then `agents` ordinary agents.
        conn.execute(
            f"""
            INSERT INTO accounts_user (id, password, last_login, is_superuser, email, name, kind, role,
                                       language, time_zone, is_active, date_joined)
            VALUES ({DESIGNATED_AGENT_ID}, '!bench', NULL, false, 'agente@bench.atiende.mx', 'Agente Bench',
                    'agent', 'agent', 'es-mx', '', true, {now_sql}),
                   ({ADMIN_ID}, '!bench', NULL, true, 'admin@bench.atiende.mx', 'Admin Bench', 'agent', 'admin',
                    'es-mx', '', true, {now_sql})
            """
        )
        conn.execute(
            f"""
            INSERT INTO accounts_user (id, password, last_login, is_superuser, email, name, kind, role,
                                       language, time_zone, is_active, date_joined)
            SELECT g, '!bench', NULL, false, 'agente' || g || '@bench.atiende.mx',
                   ({sql_array(FIRST_NAMES)})[1 + g % 18] || ' ' || ({sql_array(LAST_NAMES)})[1 + (g * 7) % 17],
                   'agent', 'agent', 'es-mx', '', true, {now_sql}
            FROM generate_series({FIRST_AGENT_ID}, {last_agent}) g
            """
        )
        conn.execute(
            f"""
            INSERT INTO accounts_team_members (team_id, user_id)
            SELECT 1, {DESIGNATED_AGENT_ID} UNION ALL SELECT 2, {DESIGNATED_AGENT_ID}
            UNION ALL
            SELECT ((g - {FIRST_AGENT_ID}) % {teams}) + 1, g FROM generate_series({FIRST_AGENT_ID}, {last_agent}) g
            UNION ALL  -- every third agent also works a second team
            SELECT ((g - {FIRST_AGENT_ID} + 7) % {teams}) + 1, g
            FROM generate_series({FIRST_AGENT_ID}, {last_agent}) g WHERE g % 3 = 0 AND {teams} > 1
            """
        )
        conn.execute(
            f"""
            INSERT INTO customers_organization (id, name, segment, notes, created_at, account_manager_id,
                                                sector_id, support_plan_id)
            SELECT g, 'Comercio ' || ({sql_array(LAST_NAMES)})[1 + g % 17] || ' ' || lpad(g::text, 5, '0') || ' S.A. de C.V.',
                   (ARRAY['individual','pyme','pyme','pyme','enterprise'])[1 + g % 5], '',
                   {now_sql} - (g % 700) * interval '1 day',
                   CASE WHEN g % 4 = 0 THEN {FIRST_AGENT_ID} + g % {agents} END,
                   (SELECT min(id) FROM customers_sector) + g % 6, NULL
            FROM generate_series(1, {organizations}) g
            """
        )
        log(f"{teams} teams, {agents + 2} agents, {organizations} organizations", started)

        # Customers with an email identity and a password-less login each, as customer_create makes.
        halves = [(1, customers // 2), (customers // 2 + 1, customers)]
        email = CUSTOMER_EMAIL.replace("{n}", "' || g || '")
        names = f"({sql_array(FIRST_NAMES)})[1 + g % 18] || ' ' || ({sql_array(LAST_NAMES)})[1 + (g / 18) % 17]"
        run_parallel(url, [
            f"""
            INSERT INTO accounts_user (id, password, last_login, is_superuser, email, name, kind, role,
                                       language, time_zone, is_active, date_joined)
            SELECT {customer_user_offset} + g, '!bench', NULL, false, '{email}', {names}, 'customer', '',
                   '', '', true, {now_sql} - (g % 900) * interval '1 day'
            FROM generate_series({lo}, {hi}) g
            """
            for lo, hi in halves
        ])
        run_parallel(url, [
            f"""
            INSERT INTO customers_customer (id, name, preferred_name, preferred_channel, is_organization_admin,
                                            language, time_zone, notes, created_at, user_id, organization_id)
            SELECT g, {names}, '', '', g % 97 = 0, '', '', '',
                   {now_sql} - (g % 900) * interval '1 day', {customer_user_offset} + g,
                   CASE WHEN g % 7 <> 0 THEN 1 + (g * 7919) % {organizations} END
            FROM generate_series({lo}, {hi}) g
            """
            for lo, hi in halves
        ])
        conn.execute(
            f"""
            INSERT INTO customers_identity (kind, value, is_primary, undeliverable, customer_id)
            SELECT 'email', '{email}', true, false, g FROM generate_series(1, {customers}) g
            """
        )
        log(f"{customers} customers with email identities and logins", started)

        # Tickets: ids 1 .. N-1 random (id order follows creation time), id N the designated one.
        ticket_sql = f"""
            INSERT INTO tickets_ticket (id, number, subject, status, priority, type, channel, custom_fields,
                                        created_at, updated_at, solved_at, closed_at, assignee_id,
                                        merged_into_id, organization_id, requester_id, team_id)
            SELECT r.id, 999 + r.id,
                   ({sql_array(SUBJECTS)})[1 + (r.id * 13) % {len(SUBJECTS)}] || ' (pedido ' || (100000 + (r.id * 37) % 900000) || ')',
                   r.status,
                   CASE WHEN r.p < 0.15 THEN 'low' WHEN r.p < 0.80 THEN 'normal' WHEN r.p < 0.96 THEN 'high' ELSE 'urgent' END,
                   (ARRAY['question','question','incident','problem','task'])[1 + r.id % 5],
                   (ARRAY['email','email','email','portal','api','chat','whatsapp','phone'])[1 + (r.id * 3) % 8],
                   '{{}}'::jsonb, r.created_at, r.updated_at,
                   CASE WHEN r.status IN ('solved','closed') THEN r.updated_at END,
                   CASE WHEN r.status = 'closed' THEN r.updated_at END,
                   CASE WHEN r.status <> 'new' AND r.team_id IS NOT NULL
                        THEN {FIRST_AGENT_ID} + (r.team_id - 1) + {teams} * (r.id % greatest(1, {agents} / {teams})) END,
                   NULL, c.organization_id, c.id, r.team_id
            FROM (
                SELECT g AS id,
                       CASE WHEN s < 0.04 THEN 'new' WHEN s < 0.32 THEN 'open' WHEN s < 0.42 THEN 'pending_customer'
                            WHEN s < 0.47 THEN 'on_hold' WHEN s < 0.60 THEN 'solved' ELSE 'closed' END AS status,
                       p,
                       CASE WHEN t < 0.03 THEN NULL ELSE 1 + floor(u * {teams})::int END AS team_id,
                       1 + floor(power(q, 1.5) * {customers})::int AS requester_id,
                       created_at,
                       least(created_at + power(v, 3) * interval '20 days', {now_sql} - interval '1 minute') AS updated_at
                FROM (
                    SELECT g, random() s, random() p, random() t, random() u, random() q, random() v,
                           {now_sql} - interval '730 days'
                             + (g::float8 / {random_tickets}) * interval '729 days' + random() * interval '12 hours' AS created_at
                    FROM generate_series(%(lo)s, %(hi)s) g
                ) x
            ) r
            JOIN customers_customer c ON c.id = r.requester_id
        """
        half = random_tickets // 2
        run_parallel(url, [ticket_sql.replace("%(lo)s", "1").replace("%(hi)s", str(half)),
                           ticket_sql.replace("%(lo)s", str(half + 1)).replace("%(hi)s", str(random_tickets))])
        conn.execute(
            f"""
            INSERT INTO tickets_ticket (id, number, subject, status, priority, type, channel, custom_fields,
                                        created_at, updated_at, assignee_id, organization_id, requester_id, team_id)
            SELECT {designated_ticket}, 999 + {designated_ticket}, 'Pedido 4471: tres envíos, un reembolso',
                   'open', 'high', 'incident', 'email', '{{}}'::jsonb,
                   {now_sql} - interval '3 days', {now_sql} - interval '2 hours', {DESIGNATED_AGENT_ID},
                   c.organization_id, c.id, 1
            FROM customers_customer c WHERE c.id = 1
            """
        )
        log(f"{tickets} tickets", started)

        # Messages: random ticket i gets 1 + (7i mod spread) messages, alternating customer and agent.
        body = (f"({sql_array(PHRASES)})[1 + (t.id + k) % {len(PHRASES)}] || ' Referencia ' || md5(t.id::text || '-' || k)"
                f" || repeat(' Quedamos atentos a cualquier duda.', (1 + (t.id * k) % 8)::int)")
        message_sql = f"""
            INSERT INTO tickets_message (kind, author_kind, channel, body_text, body_html, created_at,
                                         author_customer_id, author_user_id, ticket_id)
            SELECT CASE WHEN m.agent AND (t.id + k) % 10 = 0 THEN 'internal' ELSE 'public' END,
                   CASE WHEN m.agent THEN 'agent' ELSE 'customer' END,
                   t.channel, {body},
                   CASE WHEN m.agent AND k % 4 = 2 THEN '<p>' || {body} || '</p>' ELSE '' END,
                   t.created_at + (t.updated_at - t.created_at) * ((k - 1)::float8 / n),
                   CASE WHEN m.agent THEN NULL ELSE t.requester_id END,
                   CASE WHEN m.agent THEN t.assignee_id ELSE {customer_user_offset} + t.requester_id END,
                   t.id
            FROM tickets_ticket t
            CROSS JOIN LATERAL (SELECT CASE WHEN t.id = {designated_ticket} THEN 20 ELSE 1 + (t.id * 7) % {spread} END AS n) c(n)
            CROSS JOIN LATERAL generate_series(1, c.n) k
            CROSS JOIN LATERAL (SELECT k % 2 = 0 AND t.assignee_id IS NOT NULL AS agent) m
            WHERE t.id BETWEEN %(lo)s AND %(hi)s
            ORDER BY t.id, k
        """
        half = tickets // 2
        run_parallel(url, [message_sql.replace("%(lo)s", "1").replace("%(hi)s", str(half)),
                           message_sql.replace("%(lo)s", str(half + 1)).replace("%(hi)s", str(tickets))])
        log("messages", started)

        conn.execute("INSERT INTO tickets_tag (id, name) SELECT g, 'etiqueta-' || lpad(g::text, 2, '0') "
                     "FROM generate_series(1, 40) g")
        conn.execute(
            f"""
            INSERT INTO tickets_ticket_tags (ticket_id, tag_id)
            SELECT g, 1 + g % 40 FROM generate_series(1, {random_tickets}) g WHERE g % 10 < 3
            UNION ALL
            SELECT g, 1 + (g % 40 + 20) % 40 FROM generate_series(1, {random_tickets}) g WHERE g % 10 = 0
            UNION ALL SELECT {designated_ticket}, 1 UNION ALL SELECT {designated_ticket}, 2
            """
        )
        conn.execute(
            f"""
            INSERT INTO tickets_ticket_collaborators (ticket_id, user_id)
            SELECT g, {FIRST_AGENT_ID} + (g / 100) % {agents} FROM generate_series(100, {random_tickets}, 100) g
            UNION ALL
            SELECT g, {DESIGNATED_AGENT_ID} FROM generate_series(1001, {random_tickets}, 1000) g
            """
        )
        log("tags and collaborators", started)

        # Rebuild the dropped indexes two at a time (one per core).
        pending = list(definitions)
        while pending:
            run_parallel(url, pending[:2])
            pending = pending[2:]
        log(f"rebuilt {len(definitions)} indexes", started)

        for table in ["accounts_team", "accounts_team_members", "accounts_user", "customers_organization",
                      "customers_customer", "customers_identity", "tickets_ticket", "tickets_message",
                      "tickets_tag", "tickets_ticket_tags", "tickets_ticket_collaborators"]:
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        conn.execute("SELECT setval('tickets_ticket_number_seq', (SELECT max(number) FROM tickets_ticket))")
        log("sequences set (tickets_ticket_number_seq = max(number))", started)
    return {"now": now.isoformat(), "designated_ticket": designated_ticket, "random_tickets": random_tickets}


def issue_tokens(url: str, *, agents: int, teams: int, customers: int, ticket_id: int) -> dict:
    django_setup(url)
    from atiende.accounts.models import User
    from atiende.accounts.services import token_issue
    from atiende.tickets.models import Ticket

    def entry(user_id: int) -> dict:
        user = User.objects.get(pk=user_id)
        team_ids = sorted(user.teams.values_list("id", flat=True))
        return {"id": user.pk, "email": user.email, "role": user.role, "teams": team_ids, "token": token_issue(user=user)}

    ticket = Ticket.objects.get(pk=ticket_id)
    return {
        "database_url": url,
        "agent": entry(DESIGNATED_AGENT_ID),
        "admin": entry(ADMIN_ID),
        "clients": [entry(FIRST_AGENT_ID + i) for i in range(min(CLIENT_AGENTS, agents))],
        "list_team_id": 1,
        "team_ids": list(range(1, teams + 1)),
        "ticket": {"id": ticket.pk, "number": ticket.number, "messages": ticket.messages.count()},
        "customer_email": CUSTOMER_EMAIL,
        "customers": customers,
    }


def verify(url: str) -> dict:
    with psycopg.connect(url) as conn:
        counts = {}
        for table in ["accounts_team", "accounts_user", "customers_organization", "customers_customer",
                      "customers_identity", "tickets_ticket", "tickets_message", "tickets_ticket_tags",
                      "tickets_ticket_collaborators"]:
            counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        problems = conn.execute(
            """
            SELECT
              (SELECT count(*) FROM tickets_ticket t LEFT JOIN customers_customer c ON c.id = t.requester_id
                WHERE c.id IS NULL OR t.organization_id IS DISTINCT FROM c.organization_id),
              (SELECT count(*) FROM tickets_message m LEFT JOIN tickets_ticket t ON t.id = m.ticket_id WHERE t.id IS NULL),
              (SELECT count(*) FROM tickets_ticket t LEFT JOIN accounts_user u ON u.id = t.assignee_id
                WHERE t.assignee_id IS NOT NULL AND u.id IS NULL),
              (SELECT count(*) FROM tickets_message m LEFT JOIN accounts_user u ON u.id = m.author_user_id
                WHERE m.author_user_id IS NOT NULL AND u.id IS NULL),
              (SELECT last_value FROM tickets_ticket_number_seq) - (SELECT max(number) FROM tickets_ticket)
            """
        ).fetchone()
        counts["dangling_requesters_or_orgs"], counts["dangling_message_tickets"], counts["dangling_assignees"], \
            counts["dangling_message_authors"], counts["number_seq_minus_max_number"] = problems
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--reset", action="store_true", help="drop and recreate the bench database first")
    parser.add_argument("--teams", type=int, default=20)
    parser.add_argument("--agents", type=int, default=100)
    parser.add_argument("--organizations", type=int, default=2_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages", type=int, default=3_000_000)
    args = parser.parse_args()

    name = check_url(args.database_url)
    started = time.perf_counter()
    print(f"$ {' '.join([sys.executable, *sys.argv])}", flush=True)
    if args.reset:
        recreate_database(args.database_url, name)
        log(f"database {name} recreated", started)
    django_setup(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        if cursor.fetchone()[0]:
            sys.exit(f"{name} already has tickets: pass --reset to reload it.")
    connection.close()
    log("migrated", started)

    info = load(args.database_url, teams=args.teams, agents=args.agents, organizations=args.organizations,
                customers=args.customers, tickets=args.tickets, messages=args.messages, started=started)
    tokens = issue_tokens(args.database_url, agents=args.agents, teams=args.teams, customers=args.customers,
                          ticket_id=info["designated_ticket"])
    log("API tokens issued with token_issue", started)
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    log("VACUUM (ANALYZE)", started)
    elapsed = time.perf_counter() - started

    RESULTS.mkdir(parents=True, exist_ok=True)
    tokens["seeded_at"] = info["now"]
    tokens["seed_seconds"] = round(elapsed, 1)
    (RESULTS / "tokens.json").write_text(json.dumps(tokens, indent=2))
    counts = verify(args.database_url)
    with psycopg.connect(args.database_url) as conn:
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    print()
    print("SEED RESULT")
    for key, value in counts.items():
        print(f"  {key:34} {value:>12,}")
    print(f"  {'database size':34} {size:>12}")
    print(f"  designated agent id={tokens['agent']['id']} teams={tokens['agent']['teams']}; "
          f"designated ticket id={tokens['ticket']['id']} with {tokens['ticket']['messages']} messages")
    print(f"  tokens written to {RESULTS / 'tokens.json'}")
    print(f"SEED WALL TIME: {elapsed:.1f} s")
    (RESULTS / "seed.json").write_text(json.dumps({"seconds": round(elapsed, 1), "counts": counts, "size": size,
                                                    "argv": sys.argv}, indent=2))


if __name__ == "__main__":
    main()
