using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using static HotlineGrains.Gateway.Tests.HotlineApi;

namespace HotlineGrains.Gateway.Tests;

/// <summary>
/// The two paper forms of SPEC §3, as the system produces them: the handling form (投诉处理表) of a
/// ticket, and the register (投诉登记表) of a project as CSV. Times are shown in the project's time
/// zone (Asia/Shanghai, UTC+8), which the tests pick so that the local date differs from the UTC one.
/// </summary>
public sealed partial class FormsTests() : ClockedGateway("Sqlite")
{
    private const string Project = "weibang-plaza";

    /// <summary>Sunday 1 March 2026, 16:30 UTC: Monday 2 March, 00:30 in Shanghai.</summary>
    private static readonly DateTimeOffset ReceivedLateAtNight = At("2026-03-01T16:30:00Z");

    /// <summary>Monday 2 March, 16:10 UTC: Tuesday 3 March, 00:10 in Shanghai.</summary>
    private static readonly DateTimeOffset ResolvedAt = At("2026-03-02T16:10:00Z");

    /// <summary>Wednesday 4 March, 17:00 UTC: Thursday 5 March, 01:00 in Shanghai.</summary>
    private static readonly DateTimeOffset SignedOffAt = At("2026-03-04T17:00:00Z");

    private static readonly string[] RegisterHeader =
    [
        "序号 No.", "工单号 Ticket", "日期时间 Received", "单元号 Unit", "投诉人 Complainant", "联系电话 Phone", "类别 Kind", "投诉内容 Content",
        "责任部门 Department", "核实情况 Verification", "处理结果 Result", "回访意见 Callback feedback", "处理人 Handler", "状态 Status",
    ];

    [Fact]
    public async Task The_handling_form_of_a_closed_complaint_as_JSON_holds_every_field_with_times_in_project_time()
    {
        var id = await WalkToClose(await Api.Intake(Project, Complaint(c => c["receivedAt"] = ReceivedLateAtNight)));

        using var response = await FormOf(id, "application/json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var form = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var fields = form.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString());
        Assert.Equal(ExpectedForm(), fields);
    }

    [Fact]
    public async Task The_handling_form_of_a_closed_complaint_is_a_printable_page_with_every_field()
    {
        var id = await WalkToClose(await Api.Intake(Project, Complaint(c => c["receivedAt"] = ReceivedLateAtNight)));

        using var response = await FormOf(id, accept: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("text/html", "utf-8"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.CharSet));
        var html = await response.Content.ReadAsStringAsync();
        AssertWellFormed(html);
        Assert.StartsWith("<!doctype html>", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<title>投诉处理表 GC-20260302-0001</title>", html, StringComparison.Ordinal);
        Assert.Contains("<h1>投诉处理表</h1>", html, StringComparison.Ordinal);
        Assert.Contains("维邦广场 · GC-20260302-0001 · Closed", html, StringComparison.Ordinal);

        var json = ExpectedForm();
        Assert.Equal(new Dictionary<string, string>
        {
            ["日期 Date"] = "2026-03-02",
            ["时间 Time"] = "00:30",
            ["客户姓名 Customer"] = "王建国先生",
            ["单元号 Unit"] = "3-2-1201",
            ["联系方式 Contact"] = "13812345678",
            ["来访方式 Channel"] = "Phone",
            ["接待人 Receiving agent"] = "agent-1001",
            ["投诉内容 Content"] = json["content"]!,
            ["责任部门 Department"] = "工程部",
            ["核实情况 Verification"] = json["verification"]!,
            ["处理方案 Handling plan"] = json["handlingPlan"]!,
            ["处理结果 Result"] = json["handlingResult"]!,
            ["部门经理 Department manager"] = "工程部孙经理",
            ["回访结果 Callback result"] = "Satisfied: 业主满意",
            ["处理人 Handler"] = "赵师傅",
            ["处理日期 Handled on"] = "2026-03-03",
            ["项目经理签字 Project manager"] = "pm-plaza",
            ["签字日期 Signed on"] = "2026-03-05",
        }, Rows(html));
    }

    [Fact]
    public async Task The_handling_form_page_escapes_what_customers_and_staff_typed()
    {
        const string content = "<script>alert(\"灯\")</script> & <b>三盏</b> 'B区'";
        var ticket = await Api.Intake(Project, Complaint(c => (c["content"], c["unitNumber"]) = (content, "3-2-1201<br>")));
        ticket = await Step(Id(ticket), "forward", new { department = "工程部" });
        await Step(Id(ticket), "verify", new { founded = true, findings = "</td></tr></table><img src=x onerror=alert(1)>" });

        using var response = await FormOf(Id(ticket), accept: "text/html");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        AssertWellFormed(html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<br>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&quot;灯&quot;)&lt;/script&gt; &amp; &lt;b&gt;三盏&lt;/b&gt; &#39;B区&#39;", html, StringComparison.Ordinal);
        var rows = Rows(html);
        Assert.Equal(content, rows["投诉内容 Content"]);
        Assert.Equal("3-2-1201<br>", rows["单元号 Unit"]);
        Assert.Equal("属实: </td></tr></table><img src=x onerror=alert(1)>", rows["核实情况 Verification"]);
        // Still open: what the department and the project manager write later is blank.
        Assert.All(["处理方案 Handling plan", "处理结果 Result", "回访结果 Callback result", "处理人 Handler", "处理日期 Handled on", "项目经理签字 Project manager", "签字日期 Signed on"],
            label => Assert.Equal(string.Empty, rows[label]));

        // The JSON form carries the text as typed.
        using var json = await FormOf(Id(ticket), "application/json");
        Assert.Equal(content, JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.GetProperty("content").GetString());
    }

    [Fact]
    public async Task The_register_CSV_opens_in_a_spreadsheet_with_every_column_and_one_row_per_ticket()
    {
        // Received on three days, in this order; the second content needs quoting, the third would run as a formula.
        const string quoted = "他说:\"灯坏了, 三盏\"\n第二行: 仍未修复";
        var closed = await Api.Intake(Project, Complaint(c => c["receivedAt"] = At("2026-02-20T02:15:00Z")));
        var tricky = await Api.Intake(Project, Complaint(c =>
        {
            (c["content"], c["customerName"], c["unitNumber"], c["receivedAt"]) = (quoted, "李\"小\"娜", "5-1-302, 东", At("2026-02-25T06:05:00Z"));
            c["category"] = "服务态度";
        }));
        var formula = await Api.Intake(Project, Complaint(c =>
            (c["kind"], c["content"], c["contactPhone"], c["receivedAt"]) = ("Suggestion", "=1+1 建议增加路灯", "+86 138-0000-1111", ReceivedLateAtNight)));
        await WalkToClose(closed);

        using var response = await Api.Client.GetAsync($"/api/projects/{Project}/register.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(("text/csv", "utf-8"), (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentType?.CharSet));
        Assert.Equal("register-weibang-plaza.csv", response.Content.Headers.ContentDisposition?.FileName);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes[3..]);
        Assert.Equal('\uFEFF', Encoding.UTF8.GetString(bytes)[0]);
        Assert.EndsWith("\r\n", text, StringComparison.Ordinal);
        // Quotes doubled inside a quoted field; the line break inside it stays as typed.
        Assert.Contains("\"他说:\"\"灯坏了, 三盏\"\"\n第二行: 仍未修复\"", text, StringComparison.Ordinal);

        var records = StrictCsv.Parse(text);
        Assert.Equal(RegisterHeader, records[0]);
        Assert.Equal(4, records.Count);
        Assert.Equal(
            ["1", "GC-20260302-0001", "2026-02-20 10:15", "3-2-1201", "王建国", "13812345678", "Complaint", "地下车库B区照明灯坏了三盏,晚上很暗。",
                "工程部", "属实: B区三盏灯镇流器损坏。", "三盏灯已修复", "#1 Satisfied: 业主满意", "赵师傅", "Closed"],
            records[1]);
        Assert.Equal(
            ["2", "GC-20260302-0002", "2026-02-25 14:05", "5-1-302, 东", "李\"小\"娜", "13812345678", "Complaint", quoted, "", "", "", "", "", "Received"],
            records[2]);
        // A leading = would run as a formula in a spreadsheet: it is neutralised with an apostrophe, so is a leading +.
        Assert.Equal(
            ["3", "GC-20260302-0003", "2026-03-02 00:30", "3-2-1201", "王建国", "'+86 138-0000-1111", "Suggestion", "'=1+1 建议增加路灯", "", "", "", "", "", "Received"],
            records[3]);
        Assert.Equal([Id(closed), Id(tricky), Id(formula)], await RegisterIds());
    }

    [Theory]
    [InlineData("\t=HYPERLINK(\"http://evil.example\",\"点此查看\")")]
    [InlineData("\r=1+1")]
    [InlineData("＝HYPERLINK(\"http://evil.example\")")]
    [InlineData("＋86 138")]
    [InlineData("-2+3")]
    [InlineData("@SUM(1)")]
    public async Task A_register_cell_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe_in_front(string result)
    {
        var ticket = await Api.Intake(Project, Complaint(c => c["receivedAt"] = At("2026-02-20T02:15:00Z")));
        var id = Id(ticket);
        await Step(id, "forward", new { department = "工程部" });
        await Step(id, "verify", new { founded = true, findings = "B区三盏灯镇流器损坏。", solvableAtOnce = true }, "dept-engineering");
        await Step(id, "resolve", new { plan = "更换镇流器和灯管", result, handler = "赵师傅", departmentManager = "工程部孙经理" }, "dept-engineering");

        using var response = await Api.Client.GetAsync($"/api/projects/{Project}/register.csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = StrictCsv.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync())[1..]);
        Assert.Equal("'" + result, records[1][Array.IndexOf(RegisterHeader, "处理结果 Result")]);
    }

    [Theory]
    [InlineData("", "1 2 3")]
    [InlineData("?from=2026-02-21&to=2026-03-01", "2")]
    [InlineData("?from=2026-02-25", "2 3")]
    [InlineData("?to=2026-03-02", "1 2")]
    [InlineData("?from=2026-03-02T00:30:00%2B08:00", "3")]
    [InlineData("?from=2026-02-20T02:15:00Z&to=2026-02-25T06:05:00Z", "1")]
    [InlineData("?from=2026-02-25T06:05:01Z&to=2026-03-01T16:30:00Z", "")]
    public async Task The_register_CSV_holds_the_tickets_received_from_the_start_of_from_until_before_to_in_project_time(string query, string expected)
    {
        var tickets = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToList();
        // Tickets 1, 2 and 3 were received on 20 February 10:15, 25 February 14:05 and 2 March 00:30, Shanghai time.
        string[] received = ["2026-02-20T02:15:00Z", "2026-02-25T06:05:00Z", "2026-03-01T16:30:00Z"];
        var numbers = new List<string>();
        foreach (var at in received)
        {
            numbers.Add((await Api.Intake(Project, Complaint(c => c["receivedAt"] = At(at)))).GetProperty("number").GetString()!);
        }

        using var response = await Api.Client.GetAsync($"/api/projects/{Project}/register.csv{query}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var records = StrictCsv.Parse(Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync())[1..]);
        Assert.Equal(RegisterHeader, records[0]);
        Assert.Equal(tickets.Select(t => numbers[t - 1]), records.Skip(1).Select(r => r[1]));
        Assert.Equal(Enumerable.Range(1, tickets.Count).Select(n => n.ToString(CultureInfo.InvariantCulture)), records.Skip(1).Select(r => r[0]));
    }

    /// <summary>The same form as <see cref="The_handling_form_of_a_closed_complaint_as_JSON_holds_every_field_with_times_in_project_time"/> walks to.</summary>
    private static Dictionary<string, string?> ExpectedForm() => new()
    {
        ["ticketNumber"] = "GC-20260302-0001",
        ["project"] = "维邦广场",
        ["date"] = "2026-03-02",
        ["time"] = "00:30",
        ["customerName"] = "王建国先生",
        ["unitNumber"] = "3-2-1201",
        ["contact"] = "13812345678",
        ["channel"] = "Phone",
        ["receivingAgent"] = "agent-1001",
        ["content"] = "地下车库B区照明灯坏了三盏,晚上很暗。",
        ["department"] = "工程部",
        ["verification"] = "属实: B区三盏灯镇流器损坏。",
        ["handlingPlan"] = "更换镇流器和灯管",
        ["handlingResult"] = "三盏灯已修复",
        ["departmentManager"] = "工程部孙经理",
        ["callbackResult"] = "Satisfied: 业主满意",
        ["handler"] = "赵师傅",
        ["handledDate"] = "2026-03-03",
        ["projectManagerSignOff"] = "pm-plaza",
        ["signOffDate"] = "2026-03-05",
        ["status"] = "Closed",
    };

    /// <summary>Forward, verify, resolve, notify the customer, record the callback, sign off; resolved and signed off at the times above.</summary>
    private async Task<string> WalkToClose(JsonElement ticket)
    {
        var id = Id(ticket);
        await Step(id, "forward", new { department = "工程部" });
        await Step(id, "verify", new { founded = true, findings = "B区三盏灯镇流器损坏。", solvableAtOnce = true }, "dept-engineering");
        Clock.AdvanceTo(ResolvedAt);
        await Step(id, "resolve", new { plan = "更换镇流器和灯管", result = "三盏灯已修复", handler = "赵师傅", departmentManager = "工程部孙经理" }, "dept-engineering");
        await Step(id, "notify-customer", new { message = "王先生您好,车库照明已修复。" });
        Assert.Equal("Closed", Status(await Step(id, "record-callback", new { outcome = "Satisfied", note = "业主满意" })));
        Clock.AdvanceTo(SignedOffAt);
        await Step(id, "sign-off", null, "pm-plaza");
        return id;
    }

    /// <summary>A step without If-Match: reminders firing as the clock moves may change the ticket meanwhile.</summary>
    private async Task<JsonElement> Step(string ticketId, string step, object? body, string user = "agent-1001")
    {
        // The version the step applies to: read just before, and again if the ticket moved on meanwhile
        // (a step's own follow-ups, such as the agent's open list, may still be landing).
        HttpResponseMessage response;
        var attempt = 0;
        do
        {
            var current = await Api.Ticket(ticketId);
            response = await Api.Send(HttpMethod.Post, $"/api/tickets/{ticketId}/{step}", body, user, current.GetProperty("eTag").GetString());
        }
        while (response.StatusCode == HttpStatusCode.PreconditionFailed && ++attempt < 5 && Dispose(response));

        using var answered = response;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{step}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static bool Dispose(HttpResponseMessage response)
    {
        response.Dispose();
        return true;
    }

    private async Task<HttpResponseMessage> FormOf(string ticketId, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tickets/{ticketId}/handling-form");
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        return await Api.Client.SendAsync(request);
    }

    private async Task<List<string>> RegisterIds()
    {
        var page = await Api.Get($"/api/projects/{Project}/tickets");
        return [.. page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("ticketId").GetString()!).Reverse()];
    }

    /// <summary>The form's rows, label to value, decoded.</summary>
    private static Dictionary<string, string> Rows(string html) =>
        RowPattern().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    /// <summary>Every element closed, in order; no markup but the form's own (text holds no raw &lt; or &gt;).</summary>
    private static void AssertWellFormed(string html)
    {
        string[] voids = ["meta", "br", "img", "hr", "link", "input"];
        var open = new Stack<string>();
        foreach (Match tag in TagPattern().Matches(html))
        {
            var name = tag.Groups[2].Value.ToLowerInvariant();
            if (tag.Groups[1].Value == "/")
            {
                Assert.True(open.Count > 0 && open.Peek() == name, $"</{name}> closes {(open.Count > 0 ? "<" + open.Peek() + ">" : "nothing")}");
                open.Pop();
            }
            else if (name != "!doctype" && !voids.Contains(name))
            {
                open.Push(name);
            }
        }

        Assert.Empty(open);
        var text = TagPattern().Replace(StylePattern().Replace(html, string.Empty), string.Empty);
        Assert.DoesNotContain('<', text);
        Assert.DoesNotContain('>', text);
        Assert.Equal(["html", "head", "meta", "title", "link", "body", "h1", "p", "table"],
            TagPattern().Matches(html).Where(m => m.Groups[1].Value != "/").Select(m => m.Groups[2].Value.ToLowerInvariant())
                .Where(n => n is not ("tr" or "th" or "td" or "!doctype")).ToArray());
    }

    private static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    [GeneratedRegex("<tr><th>([^<]*)</th><td>([^<]*)</td></tr>")]
    private static partial Regex RowPattern();

    [GeneratedRegex("<(/?)(!?[A-Za-z][A-Za-z0-9]*)\\b[^<>]*>")]
    private static partial Regex TagPattern();

    [GeneratedRegex("<style>[^<]*</style>")]
    private static partial Regex StylePattern();
}
