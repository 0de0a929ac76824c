using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Gateway.Security;
using HotlineGrains.Testing;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>
/// The scope rules of <see cref="RoleTable"/> that narrow a role below its whole project (SPEC §8):
/// a department and its own departments' tickets, an agent and the customer's tier, the directory
/// and their own record.
/// </summary>
public sealed class LeastPrivilegeTests : CallerGateway
{
    [Fact]
    public async Task A_department_reads_and_lists_the_tickets_forwarded_to_it_and_no_others()
    {
        var engineering = await Forwarded("工程部");
        var cleaning = await Forwarded("保洁部");
        var notYet = await Ticket();
        var user = Factory.TokenFor("dept-engineering", [Roles.Department], [Plaza], ["工程部"], TimeSpan.FromHours(1));

        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Get, $"/api/tickets/{engineering}", user));
        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Get, $"/api/tickets/{engineering}/handling-form", user));
        Assert.Equal(HttpStatusCode.NotFound, await Status(HttpMethod.Get, $"/api/tickets/{cleaning}", user));
        Assert.Equal(HttpStatusCode.NotFound, await Status(HttpMethod.Get, $"/api/tickets/{cleaning}/handling-form", user));
        Assert.Equal(HttpStatusCode.NotFound, await Status(HttpMethod.Get, $"/api/tickets/{notYet}", user));

        var register = await Send(HttpMethod.Get, $"/api/projects/{Plaza}/tickets", user);
        Assert.Equal([engineering], register.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("ticketId").GetString()));
        using var refused = await Raw(HttpMethod.Get, $"/api/projects/{Plaza}/tickets?department=保洁部", user);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("department", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
    }

    [Fact]
    public async Task An_agent_corrects_a_customers_contact_details_but_not_the_tier()
    {
        var supervisor = Token("supervisor-gc", Roles.Supervisor);
        var agent = Token("agent-gc-1", Roles.Agent);
        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Put, "/api/customers/customer-tier", supervisor, Customer("A", "2-1-301")));

        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Put, "/api/customers/customer-tier", agent, Customer("A", "2-1-302")));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(HttpMethod.Put, "/api/customers/customer-tier", agent, Customer("C", "2-1-302")));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(HttpMethod.Put, "/api/customers/customer-new-a", agent, Customer("A", "3-1-101")));
        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Put, "/api/customers/customer-new-c", agent, Customer("C", "3-1-101")));

        var stored = await Send(HttpMethod.Get, "/api/customers/customer-tier", supervisor);
        Assert.Equal(("A", "2-1-302"), (stored.GetProperty("tier").GetString(), stored.GetProperty("unitNumber").GetString()));
    }

    [Fact]
    public async Task An_agent_looks_customers_up_by_phone_and_a_supervisor_may_list_them_all()
    {
        var agent = Token("agent-gc-1", Roles.Agent);

        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Get, $"/api/projects/{Plaza}/customers?phone=13700001111", agent));
        Assert.Equal(HttpStatusCode.BadRequest, await Status(HttpMethod.Get, $"/api/projects/{Plaza}/customers", agent));
        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Get, $"/api/projects/{Plaza}/customers", Token("supervisor-gc", Roles.Supervisor)));
    }

    [Fact]
    public async Task An_agent_reads_their_own_record_and_not_another_agents()
    {
        var admin = Factory.TokenFor("admin", [Roles.Admin], [HotlineClaims.AllProjects], [], TimeSpan.FromHours(1));
        foreach (var (id, number) in new[] { ("agent-gc-1", "1001"), ("agent-gc-2", "1002") })
        {
            Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Put, $"/api/agents/{id}", admin,
                new { workNumber = number, name = "王芳", projects = new[] { Plaza }, departments = Array.Empty<string>() }));
        }

        var agent = Token("agent-gc-1", Roles.Agent);

        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Get, "/api/agents/agent-gc-1", agent));
        Assert.Equal(HttpStatusCode.Forbidden, await Status(HttpMethod.Get, "/api/agents/agent-gc-2", agent));
        Assert.Equal(HttpStatusCode.OK, await Status(HttpMethod.Get, "/api/agents/agent-gc-2", Token("supervisor-gc", Roles.Supervisor)));
    }

    private static object Customer(string tier, string unit) => new
    {
        surname = "钱", honorific = "Ms", unitNumber = unit, phones = new[] { "13700001111" }, projectId = Plaza, tier,
    };

    private async Task<string> Ticket()
    {
        var created = await Send(HttpMethod.Post, $"/api/projects/{Plaza}/tickets", Token("agent-gc-1", Roles.Agent), SampleIntake.Complaint("agent-gc-1"));
        return created.GetProperty("id").GetString()!;
    }

    private async Task<string> Forwarded(string department)
    {
        var id = await Ticket();
        using var forwarded = await Step(id, "forward", Token("agent-gc-1", Roles.Agent), new { department });
        Assert.True(forwarded.IsSuccessStatusCode, await forwarded.Content.ReadAsStringAsync());
        return id;
    }
}
