using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace HotlineGrains.Gateway.Tests;

public abstract class HealthAndProjectsTests(GatewayFactory factory)
{
    private readonly HttpClient client = factory.CreateClient();

    [Fact]
    public async Task Healthz_answers_that_the_process_is_alive()
    {
        var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_answers_once_storage_is_migrated_and_reachable()
    {
        var response = await client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_details_storage_the_outbox_backlog_and_the_silos_cluster_membership()
    {
        var detail = await client.GetFromJsonAsync<JsonElement>("/readyz");

        var checks = detail.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        var outbox = checks.GetProperty("outbox").GetProperty("data");
        Assert.True(outbox.GetProperty("backlog").GetInt64() >= 0);
        Assert.True(outbox.GetProperty("oldestEventAgeSeconds").GetDouble() >= 0);
        Assert.Equal("Active", checks.GetProperty("membership").GetProperty("data").GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("weibang-olympic-garden", "维邦奥林花园", "AL")]
    [InlineData("weibang-plaza", "维邦广场", "GC")]
    [InlineData("jining-shiji-jiayuan", "集宁世基佳园", "SJ")]
    public async Task The_three_seed_projects_are_there_as_demo_data(string projectId, string name, string prefix)
    {
        var project = await client.GetFromJsonAsync<JsonElement>($"/api/projects/{projectId}");

        Assert.Equal(name, project.GetProperty("name").GetString());
        Assert.Equal(prefix, project.GetProperty("ticketPrefix").GetString());
        Assert.Equal("Asia/Shanghai", project.GetProperty("calendar").GetProperty("timeZone").GetString());
        Assert.StartsWith("您好", project.GetProperty("greeting").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_project_is_a_404_problem()
    {
        var response = await client.GetAsync("/api/projects/no-such-project");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("-leading-dash")]
    [InlineData("has_underscore")]
    [InlineData("waaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaytoolong")]
    public async Task A_malformed_project_id_is_a_400_problem_naming_the_field(string projectId)
    {
        var response = await client.GetAsync($"/api/projects/{projectId}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("projectId", problem.GetProperty("field").GetString());
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
    }
}

public sealed class SqliteHealthAndProjectsTests(GatewayFactory factory) : HealthAndProjectsTests(factory), IClassFixture<GatewayFactory>;

public sealed class PostgresHealthAndProjectsTests(PostgresGatewayFactory fixture) : HealthAndProjectsTests(fixture.Factory), IClassFixture<PostgresGatewayFactory>;
