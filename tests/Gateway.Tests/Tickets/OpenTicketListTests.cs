using System.Net;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Tickets;

/// <summary>
/// GET /api/projects/{projectId}/open-tickets on PostgreSQL (issue 13): the supervisor console's
/// list, filtered, sorted and paged by the server, with the counts of all open tickets; tickets
/// are recorded through the intake, so the list reads what the grains wrote. The tests share one
/// database, so each finds its own tickets by their content or asks within its own filter.
/// </summary>
public sealed class OpenTicketListTests(PostgresGatewayFactory fixture) : IClassFixture<PostgresGatewayFactory>
{
    private const string Plaza = "weibang-plaza", Garden = "weibang-olympic-garden";

    private readonly GatewayFactory gateway = fixture.Factory;

    private HotlineApi Api() => new(gateway.CreateClient(), user => gateway.TokenFor(user));

    private async Task<JsonElement> ListAsync(string path, string? token = null)
    {
        using var client = gateway.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static List<JsonElement> Items(JsonElement list) => [.. list.GetProperty("items").EnumerateArray()];

    private static List<string> Numbers(JsonElement list) => [.. Items(list).Select(t => t.GetProperty("number").GetString()!)];

    private static string Number(JsonElement ticket) => ticket.GetProperty("number").GetString()!;

    [Fact]
    public async Task A_recorded_ticket_is_listed_with_its_project_and_without_the_customers_details()
    {
        var ticket = await Api().Intake(Plaza, HotlineApi.Complaint());

        var list = await ListAsync($"/api/projects/{Plaza}/open-tickets?pageSize=200");

        var row = Assert.Single(Items(list), t => t.GetProperty("ticketId").GetString() == HotlineApi.Id(ticket));
        Assert.Equal(Plaza, row.GetProperty("projectId").GetString());
        Assert.Equal(Number(ticket), row.GetProperty("number").GetString());
        Assert.Equal("Received", row.GetProperty("status").GetString());
        Assert.True(row.TryGetProperty("nextDueAt", out var due) && due.ValueKind == JsonValueKind.String, "an open complaint has a deadline");
        Assert.False(row.TryGetProperty("contactPhone", out _));
        Assert.False(row.TryGetProperty("customerName", out _));
        Assert.Equal(list.GetProperty("total").GetInt32(), list.GetProperty("counts").GetProperty("open").GetInt32());
    }

    [Fact]
    public async Task Filters_by_department_status_and_agent_list_only_the_matching_tickets_and_count_them()
    {
        var api = Api();
        var forwarded = await api.Step(await api.Intake(Plaza, SampleIntake.Complaint("agent-5101"), user: "agent-5101"), "forward", new { department = "保洁部" }, "agent-5101");
        var kept = await api.Intake(Plaza, SampleIntake.Complaint("agent-5101"), user: "agent-5101");

        var cleaning = await ListAsync($"/api/projects/{Plaza}/open-tickets?department=保洁部&status=Forwarded&pageSize=200");
        var theirs = await ListAsync($"/api/projects/{Plaza}/open-tickets?agent=agent-5101&department=-");

        Assert.Contains(Number(forwarded), Numbers(cleaning));
        Assert.DoesNotContain(Number(kept), Numbers(cleaning));
        Assert.All(Items(cleaning), t => Assert.Equal("保洁部", t.GetProperty("department").GetString()));
        Assert.Equal(Items(cleaning).Count, cleaning.GetProperty("total").GetInt32());
        Assert.Equal([Number(kept)], Numbers(theirs));
        Assert.Equal(1, theirs.GetProperty("total").GetInt32());
        Assert.True(theirs.GetProperty("counts").GetProperty("open").GetInt32() >= 2, "the counts are of all open tickets, not the filtered ones");
    }

    [Fact]
    public async Task Pages_of_two_follow_one_another_in_deadline_order_without_a_gap_or_a_repeat()
    {
        var api = Api();
        for (var i = 0; i < 5; i++)
        {
            await api.Intake(Garden, SampleIntake.Complaint("agent-5202"), user: "agent-5202");
        }

        var whole = await ListAsync($"/api/projects/{Garden}/open-tickets?agent=agent-5202&pageSize=200");
        var paged = new List<string>();
        for (var page = 1; page <= 3; page++)
        {
            var answer = await ListAsync($"/api/projects/{Garden}/open-tickets?agent=agent-5202&pageSize=2&page={page}");
            Assert.Equal(page, answer.GetProperty("page").GetInt32());
            Assert.Equal(5, answer.GetProperty("total").GetInt32());
            paged.AddRange(Numbers(answer));
        }

        Assert.Equal(Numbers(whole), paged);
        var dues = Items(whole).Select(t => t.GetProperty("nextDueAt").GetDateTimeOffset()).ToList();
        Assert.Equal(dues.Order(), dues);
    }

    [Fact]
    public async Task The_star_lists_every_project_of_the_caller_and_no_other()
    {
        var api = Api();
        var inPlaza = await api.Intake(Plaza, SampleIntake.Complaint("agent-5303"), user: "agent-5303");
        var inGarden = await api.Intake(Garden, SampleIntake.Complaint("agent-5303"), user: "agent-5303");

        var all = await ListAsync("/api/projects/*/open-tickets?agent=agent-5303");
        var plazaOnly = await ListAsync("/api/projects/*/open-tickets?agent=agent-5303",
            gateway.TokenFor("supervisor-plaza", [Roles.Supervisor], [Plaza]));

        Assert.Equal(new[] { Number(inPlaza), Number(inGarden) }.Order(StringComparer.Ordinal), Numbers(all).Order(StringComparer.Ordinal));
        Assert.Equal([Number(inPlaza)], Numbers(plazaOnly));
    }

    [Fact]
    public async Task Another_projects_list_and_a_missing_one_are_not_found()
    {
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", gateway.TokenFor("supervisor-plaza", [Roles.Supervisor], [Plaza]));

        using var other = await client.GetAsync($"/api/projects/{Garden}/open-tickets");
        using var missing = await gateway.CreateClient().GetAsync("/api/projects/no-such-project/open-tickets");

        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_department_user_lists_and_counts_only_its_departments_tickets()
    {
        var api = Api();
        var greens = await api.Step(await api.Intake(Plaza, SampleIntake.Complaint("agent-5404"), user: "agent-5404"), "forward", new { department = "绿化部" }, "agent-5404");
        await api.Step(await api.Intake(Plaza, SampleIntake.Complaint("agent-5404"), user: "agent-5404"), "forward", new { department = "收费处" }, "agent-5404");
        var token = gateway.TokenFor("dept-greens", [Roles.Department], [Plaza], ["绿化部"]);

        var list = await ListAsync($"/api/projects/{Plaza}/open-tickets?pageSize=200", token);

        Assert.Contains(Number(greens), Numbers(list));
        Assert.All(Items(list), t => Assert.Equal("绿化部", t.GetProperty("department").GetString()));
        Assert.Equal(list.GetProperty("total").GetInt32(), list.GetProperty("counts").GetProperty("open").GetInt32());
        using var client = gateway.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var refused = await client.GetAsync($"/api/projects/{Plaza}/open-tickets?department=收费处");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("\"department\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pageSize=201", "pageSize")]
    [InlineData("pageSize=0", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("page=x", "page")]
    [InlineData("status=Closed", "status")]
    [InlineData("status=received", "status")]
    [InlineData("severity=Huge", "severity")]
    [InlineData("risk=soon", "risk")]
    [InlineData("sort=number", "sort")]
    [InlineData("department=不存在部", "department")]
    [InlineData("agent=Not%20An%20Id", "agent")]
    [InlineData("status=Received&status=Forwarded", "status")]
    [InlineData("colour=red", "colour")]
    public async Task Bad_input_is_a_400_problem_naming_the_parameter(string query, string field)
    {
        using var response = await gateway.CreateClient().GetAsync($"/api/projects/{Plaza}/open-tickets?{query}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }
}
