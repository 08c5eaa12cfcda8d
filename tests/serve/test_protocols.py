"""Real clients on a served twin: xmlrpc.client and httpx (JSON-RPC, JSON-2), error formats."""

from __future__ import annotations

import xmlrpc.client

import httpx
import pytest

from tests.serve.conftest import DB, KEY


@pytest.fixture
def xml(served):
    common = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/common")
    obj = xmlrpc.client.ServerProxy(f"{served.url}/xmlrpc/2/object", allow_none=True)
    uid = common.authenticate(DB, "admin", KEY, {})
    yield common, obj, uid
    common("close")()
    obj("close")()


def test_xmlrpc_common_version_and_authenticate(served, xml):
    common, _obj, uid = xml
    assert common.version()["server_serie"] == "18.0"
    assert common.version()["protocol_version"] == 1
    assert isinstance(uid, int)
    assert uid > 0
    assert common.login(DB, "admin", KEY) == uid
    # bad credentials: False, not a fault, and counted
    before = served.server.credentials.denied
    assert common.authenticate(DB, "admin", "wrong-key-000", {}) is False
    assert common.authenticate("other_db", "admin", KEY, {}) is False
    assert common.authenticate(DB, "admin", "admin", {}) is False  # bootstrap password is dead
    assert served.server.credentials.denied == before + 3


def test_xmlrpc_object_crud_and_domains(xml):
    _common, obj, uid = xml

    def call(model, method, *args, **kw):
        return obj.execute_kw(DB, uid, KEY, model, method, list(args), kw)

    products = call("product.product", "search_count", [])
    assert products == 40  # tiny's catalogue
    assert call("product.product", "search_count", [("name", "=like", "SKU 0000%")]) == 10
    fields = call("purchase.order", "fields_get", attributes=["type", "relation"])
    assert fields["partner_id"] == {"type": "many2one", "relation": "res.partner"}
    assert "password" not in call("res.users", "fields_get")
    pid = call("res.partner", "create", {"name": "Acme Supplies", "supplier_rank": 1})
    assert call("res.partner", "write", [pid], {"email": "ap@acme.test"}) is True
    row = call("res.partner", "read", [pid], fields=["name", "email"])[0]
    assert row == {"id": pid, "name": "Acme Supplies", "email": "ap@acme.test"}
    found = call("res.partner", "search_read", [("email", "ilike", "acme")], fields=["name"])
    assert [r["id"] for r in found] == [pid]
    # positional execute (what n8n's Odoo node sends) and unlink
    assert obj.execute(DB, uid, KEY, "res.partner", "unlink", [pid]) is True
    assert call("res.partner", "search_count", [("id", "=", pid)]) == 0
    # datetimes cross the wire as Odoo's strings, and domains accept them back
    users = call("res.users", "search_read", [("login", "=", "admin")], fields=["create_date"])
    assert users[0]["create_date"] == "2025-09-01 00:00:00"
    assert "password" not in call("res.users", "read", [uid])[0]
    n = call("res.users", "search_count", [("create_date", "<=", "2025-09-01 00:00:00")])
    assert n >= 1


@pytest.mark.parametrize(
    ("model", "method", "args", "code", "text"),
    [
        ("purchase.order", "_approval_allowed", [[1]], 4, "Private methods"),  # AccessError
        ("no.such.model", "search", [[]], 2, "Object no.such.model doesn't exist"),  # UserError
        ("stock.quant", "write", [[1], {"quantity": 5.0}], 2, "Quant's editing is restricted"),
        ("res.partner", "no_such_method", [[1]], 1, "does not exist"),  # anything else
    ],
)
def test_xmlrpc_fault_codes(xml, model, method, args, code, text):
    _common, obj, uid = xml
    with pytest.raises(xmlrpc.client.Fault) as fault:
        obj.execute_kw(DB, uid, KEY, model, method, args, {})
    assert fault.value.faultCode == code
    assert text in fault.value.faultString


def test_xmlrpc_bad_key_is_access_denied_fault_3(served, xml):
    _common, obj, uid = xml
    before = served.server.credentials.denied
    with pytest.raises(xmlrpc.client.Fault) as fault:
        obj.execute_kw(DB, uid, "not-the-key", "res.partner", "search", [[]], {})
    assert (fault.value.faultCode, fault.value.faultString) == (3, "Access Denied")
    assert served.server.credentials.denied == before + 1


def _jsonrpc(url, service, method, *args):
    body = {"jsonrpc": "2.0", "method": "call", "id": 7}
    body["params"] = {"service": service, "method": method, "args": list(args)}
    return httpx.post(f"{url}/jsonrpc", json=body, timeout=10)


def test_jsonrpc_results_and_errors_are_http_200(served):
    uid = _jsonrpc(served.url, "common", "login", DB, "admin", KEY).json()["result"]
    r = _jsonrpc(served.url, "object", "execute_kw", DB, uid, KEY, "product.product",
                 "search_count", [[]], {})  # fmt: skip
    assert r.status_code == 200
    assert r.json() == {"jsonrpc": "2.0", "id": 7, "result": 40}
    bad = _jsonrpc(served.url, "object", "execute", DB, uid, "wrong-key", "res.partner", "search")
    assert bad.status_code == 200
    err = bad.json()["error"]
    assert err["code"] == 200
    assert err["message"] == "Odoo Server Error"
    assert err["data"]["name"] == "odoo.exceptions.AccessDenied"
    user_error = _jsonrpc(served.url, "object", "execute_kw", DB, uid, KEY, "stock.quant",
                          "write", [[1], {"quantity": 1.0}], {})  # fmt: skip
    assert user_error.status_code == 200
    assert user_error.json()["error"]["data"]["name"] == "odoo.exceptions.UserError"
    unknown = _jsonrpc(served.url, "nope", "x")
    assert unknown.json()["error"]["code"] == 404


def _json2(url, model, method, body, key=KEY):
    headers = {"Authorization": f"bearer {key}", "X-Odoo-Database": DB}
    return httpx.post(f"{url}/json/2/{model}/{method}", json=body, headers=headers, timeout=10)


def test_json2_results_and_real_status_codes(served):
    query = {"domain": [["name", "=", "SKU 00003"]], "fields": ["name", "list_price"]}
    r = _json2(served.url, "product.product", "search_read", query)
    assert r.status_code == 200
    assert [row["name"] for row in r.json()] == ["SKU 00003"]
    created = _json2(served.url, "res.partner", "create", {"vals_list": [{"name": "J2"}]})
    assert created.status_code == 200
    assert len(created.json()) == 1
    read = _json2(served.url, "res.partner", "read", {"ids": created.json(), "fields": ["name"]})
    assert read.json()[0]["name"] == "J2"
    cases = [
        (_json2(served.url, "res.partner", "search", {}, key="bad-key-0000"), 401,
         "odoo.exceptions.AccessDenied"),
        (_json2(served.url, "no.model", "search", {}), 404, "werkzeug.exceptions.NotFound"),
        (_json2(served.url, "res.partner", "_private", {}), 404, "werkzeug.exceptions.NotFound"),
        (_json2(served.url, "res.partner", "search", {"ids": [1]}), 422,
         "werkzeug.exceptions.UnprocessableEntity"),
        (_json2(served.url, "res.partner", "search", {"bogus": 1}), 422,
         "werkzeug.exceptions.UnprocessableEntity"),
        (_json2(served.url, "stock.quant", "write", {"ids": [1], "vals": {"quantity": 2.0}}),
         422, "odoo.exceptions.UserError"),
    ]  # fmt: skip
    for response, status, name in cases:
        assert (response.status_code, response.json()["name"]) == (status, name)
        assert set(response.json()) == {"name", "message", "arguments", "context", "debug"}
    elsewhere = httpx.get(f"{served.url}/json/2/res.partner", timeout=10)
    assert elsewhere.status_code == 404
    assert "Did you mean POST /json/2/<model>/<method>?" in elsewhere.json()["message"]


def test_step_over_http_and_status_count_refusals(served):
    headers = {"Authorization": f"bearer {KEY}"}
    r = httpx.post(f"{served.url}/retail-twin/step", json={"hours": 6}, headers=headers)
    assert r.status_code == 200
    assert r.json()["now_h"] == 6.0
    assert r.json()["now"] == "2025-09-01 06:00:00"
    refused = httpx.post(f"{served.url}/retail-twin/step", json={"hours": 6})
    assert refused.status_code == 401
    assert served.twin.now_h == 6.0
    status = httpx.get(f"{served.url}/retail-twin/status", headers=headers).json()
    assert status["access_denied"] == 1
    assert status["clock"] == "stepped"
    negative = httpx.post(f"{served.url}/retail-twin/step", json={"hours": -1}, headers=headers)
    assert negative.status_code == 422
    assert served.twin.now_h == 6.0


def test_idempotency_key_applies_a_retried_create_once(served):
    """The answer to a create is held past the client's timeout, so it retries: with an
    Idempotency-Key the partner exists once; without one, twice (the hazard the key removes)."""
    from experiments.serve import ServerThread
    from experiments.serve.load import SlowAnswers

    slow = SlowAnswers(served.server.app, every=1, delay_s=0.5)
    with ServerThread(slow) as url, httpx.Client(base_url=url) as client:
        for name, headers in (("Keyed", {"Idempotency-Key": "create-keyed"}), ("Unkeyed", {})):
            args = [DB, 2, KEY, "res.partner", "create", [{"name": name}], {}]
            body = {"params": {"service": "object", "method": "execute_kw", "args": args}}
            for _ in range(2):  # the first attempt times out, the second is answered late too
                with pytest.raises(httpx.TimeoutException):
                    client.post("/jsonrpc", json=body, headers=headers, timeout=0.2)
        count = served.twin.env["res.partner"].search_count
        assert count([("name", "=", "Keyed")]) == 1
        assert count([("name", "=", "Unkeyed")]) == 2
    assert served.server.idempotency.duplicates_suppressed_total == 1


def test_search_with_order_offset_and_limit(xml):
    _common, obj, uid = xml

    def call(model, method, *args, **kw):
        return obj.execute_kw(DB, uid, KEY, model, method, list(args), kw)

    domain = [("name", "=like", "SKU 0001%")]
    ids = call("product.product", "search", domain)
    assert call("product.product", "search", domain, order="id desc") == ids[::-1]
    page = call("product.product", "search", domain, order="id desc", offset=2, limit=3)
    assert page == ids[::-1][2:5]
    rows = call("product.product", "search_read", domain, ["name"], order="name desc", limit=2)
    assert [r["name"] for r in rows] == ["SKU 00019", "SKU 00018"]
    with pytest.raises(xmlrpc.client.Fault) as fault:
        call("product.product", "search", domain, order="price; drop table")
    assert "Invalid order" in fault.value.faultString
