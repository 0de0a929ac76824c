using System.Net.Http.Json;
using System.Text.Json;
using HotlineGrains.Testing;

namespace HotlineGrains.EndToEnd.Tests;

/// <summary>How many schema scripts the repository holds, so a migrated database can be recognised.</summary>
internal static class MigrationScripts
{
    public static long Postgres => Directory.GetFiles(Path.Combine(Repository.Root, "src", "Silo", "Storage", "Migrations", "Postgres"), "*.sql").Length;
}

/// <summary>What the README promises a new user, checked on real processes.</summary>
public sealed class RunningTheServiceTests : IDisposable
{
    private readonly string workingDirectory = Directory.CreateTempSubdirectory("hotline-e2e-").FullName;

    public void Dispose() => Directory.Delete(workingDirectory, recursive: true);

    [Fact]
    public async Task The_embedded_default_serves_health_and_the_seed_projects_to_a_demo_token()
    {
        await using var gateway = GatewayProcess.Start(workingDirectory);

        // How fast it gets there is the benchmark's to measure (docs/benchmarks.md, embedded start-up);
        // here a busy CI machine gets a generous deadline.
        await gateway.WaitUntilServingAsync("/healthz", TimeSpan.FromSeconds(60));
        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/api/projects/weibang-olympic-garden")).StatusCode);

        // As the README shows: a demo user's token, then the API with it.
        using var issued = await client.PostAsJsonAsync("/demo/tokens", new { user = "agent-al-1" });
        var token = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var project = await client.GetFromJsonAsync<JsonElement>("/api/projects/weibang-olympic-garden");
        Assert.Equal("维邦奥林花园", project.GetProperty("name").GetString());
        Assert.True(File.Exists(Path.Combine(workingDirectory, "hotline.db")), "the embedded default keeps its data in hotline.db in the working directory");
    }

    [Fact]
    public async Task A_host_without_time_zone_data_still_shows_a_projects_local_times()
    {
        // TZDIR naming an empty folder is a slim container image without tzdata: the host cannot
        // resolve Asia/Shanghai (TimeZoneInfo throws), while the project's calendar reads NodaTime's own TZDB.
        var noTzdata = Directory.CreateDirectory(Path.Combine(workingDirectory, "empty-zoneinfo")).FullName;
        await using var gateway = GatewayProcess.Start(workingDirectory, environment: new Dictionary<string, string> { ["TZDIR"] = noTzdata });
        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await gateway.DemoTokenAsync("supervisor-gc"));

        using var recorded = await client.PostAsJsonAsync("/api/projects/weibang-plaza/tickets", SampleIntake.Complaint("supervisor-gc"));
        Assert.True(recorded.IsSuccessStatusCode, gateway.Output);
        var ticket = await recorded.Content.ReadFromJsonAsync<JsonElement>();
        var receivedAt = ticket.GetProperty("receivedAt").GetDateTimeOffset();
        var shanghai = receivedAt.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        var register = await client.GetStringAsync("/api/projects/weibang-plaza/register.csv");
        Assert.Contains(shanghai, register, StringComparison.Ordinal);
        var form = await client.GetStringAsync($"/api/tickets/{ticket.GetProperty("id").GetString()}/handling-form");
        Assert.Contains(shanghai[..10], form, StringComparison.Ordinal);
        Assert.Contains(shanghai[11..], form, StringComparison.Ordinal);
        Assert.DoesNotContain("TimeZoneNotFound", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_line_the_web_server_refuses_before_the_app_is_a_bare_400_that_names_no_server()
    {
        await using var gateway = GatewayProcess.Start(workingDirectory);
        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(60));
        using var client = new HttpClient { BaseAddress = gateway.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", await gateway.DemoTokenAsync("supervisor-gc"));

        // Kestrel refuses a NUL in the path while parsing the request line, before any middleware
        // could shape the answer (no hook exists in ASP.NET Core 10): the README says so, and an
        // ingress in front answers such requests itself. Every other control character reaches the
        // app and gets its problem.
        using var nul = await client.GetAsync("/api/tickets/%00");
        using var control = await client.GetAsync("/api/tickets/%01");

        Assert.Equal((System.Net.HttpStatusCode.BadRequest, 0L), (nul.StatusCode, nul.Content.Headers.ContentLength ?? 0));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, control.StatusCode);
        Assert.Equal("application/problem+json", control.Content.Headers.ContentType?.MediaType);
        Assert.Equal("ticketId", (await control.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());
        Assert.Empty(nul.Headers.Server);
        Assert.Empty(control.Headers.Server);
    }

    [Fact]
    public async Task Production_settings_run_on_PostgreSQL_and_RabbitMQ_without_demo_data()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var gateway = GatewayProcess.Start(workingDirectory, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMqUri"] = TestServices.RabbitMqUri,
            ["Demo:Enabled"] = "false",
            ["Auth:SigningKey"] = "end-to-end-production-signing-key-0123456789",
            ["environment"] = "Production",
        });

        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));

        using var client = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/api/projects")).StatusCode);
        // No demo users in production: there is no anonymous way to a token.
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/demo/tokens", new { user = "admin" })).StatusCode);
        Assert.Equal(MigrationScripts.Postgres, await database.ScalarAsync<long>("select count(*) from schema_migrations"));
        Assert.False(File.Exists(Path.Combine(workingDirectory, "hotline.db")));
    }

    [Fact]
    public async Task A_published_build_in_Production_hands_out_no_demo_tokens_without_any_demo_setting()
    {
        await using var gateway = GatewayProcess.Start(workingDirectory, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Auth:SigningKey"] = "end-to-end-production-signing-key-0123456789",
        });

        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));

        using var client = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/demo/tokens", new { user = "admin" })).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/demo/users")).StatusCode);
        // Nor does it list its operations to strangers unless Api:Explorer says so.
        Assert.NotEqual(System.Net.HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        Assert.NotEqual(System.Net.HttpStatusCode.OK, (await client.GetAsync("/swagger/index.html")).StatusCode);
    }

    [Fact]
    public async Task In_Production_Api_Explorer_serves_the_OpenAPI_document_and_the_Swagger_page_without_a_token()
    {
        await using var gateway = GatewayProcess.Start(workingDirectory, new Dictionary<string, string?>
        {
            ["environment"] = "Production",
            ["Auth:SigningKey"] = "end-to-end-production-signing-key-0123456789",
            ["Api:Explorer"] = "true",
        });

        await gateway.WaitUntilServingAsync("/readyz", TimeSpan.FromSeconds(90));

        using var client = new HttpClient { BaseAddress = gateway.Address };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
        using var page = await client.GetAsync("/swagger/index.html");
        Assert.Equal((System.Net.HttpStatusCode.OK, "text/html"), (page.StatusCode, page.Content.Headers.ContentType?.MediaType));
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await client.GetAsync("/api/projects")).StatusCode);
    }

    [Theory]
    [InlineData("Production", null)]
    [InlineData("Production", "end-to-end-production-signing-key-0123456789")]
    [InlineData("Staging", "end-to-end-production-signing-key-0123456789")]
    public async Task Demo_turned_on_where_its_tokens_would_be_dangerous_stops_the_gateway_naming_the_setting(string environment, string? signingKey)
    {
        await using var gateway = GatewayProcess.Start(workingDirectory, new Dictionary<string, string?>
        {
            ["environment"] = environment,
            ["Demo:Enabled"] = "true",
            ["Auth:SigningKey"] = signingKey,
        });

        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("Demo:Enabled", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_demo_data_the_gateway_refuses_to_start_until_a_signing_key_is_configured()
    {
        await using var gateway = GatewayProcess.Start(workingDirectory, new Dictionary<string, string?> { ["Demo:Enabled"] = "false" });

        await gateway.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.Contains("Auth:SigningKey", gateway.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_headless_silo_migrates_the_schema_joins_the_cluster_and_keeps_running()
    {
        await using var database = await PostgresDatabase.CreateAsync();
        await using var worker = GatewayProcess.StartWorker(workingDirectory, TestSilo.Postgres(database.ConnectionString));

        await Eventually.Until(async () =>
        {
            Assert.False(worker.HasExited, worker.Output);
            // The log line is read from the process asynchronously: it may arrive after the tables are there.
            return await database.ScalarAsync<bool>("select exists (select 1 from pg_tables where tablename = 'schema_migrations')")
                && await database.ScalarAsync<long>("select count(*) from schema_migrations") == MigrationScripts.Postgres
                && worker.Output.Contains("Database Postgres is migrated", StringComparison.Ordinal)
                && await database.ScalarAsync<long>("select count(*) from orleans_membership where status = 3") == 1;
        }, "the silo migrated the schema, said so, and is active in the cluster");
        Assert.False(worker.HasExited);
    }
}
