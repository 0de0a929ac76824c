using HotlineGrains.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace HotlineGrains.OpenApi.Tests;

/// <summary>
/// The gateway in-process on a SQLite file of its own, as the embedded default runs it (demo users
/// included), asked once for its OpenAPI document. The document is written as
/// <c>openapi.json</c> to a temporary workspace, beside copies of the linter's configuration.
/// </summary>
public sealed class OpenApiGateway : IAsyncLifetime
{
    private readonly string directory = Directory.CreateTempSubdirectory("hotline-openapi-").FullName;
    private readonly Factory factory;

    public OpenApiGateway() => factory = new Factory(Path.Combine(directory, "hotline.db"));

    /// <summary>The folder the tools run in: the document, and what the tests write beside it.</summary>
    public string Workspace => directory;

    /// <summary>The document's path in <see cref="Workspace"/>.</summary>
    public string DocumentPath => Path.Combine(directory, "openapi.json");

    public string DocumentText { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        // Asked without a token, as a client generator would.
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/openapi/v1.json", UriKind.Relative));
        response.EnsureSuccessStatusCode();
        DocumentText = await response.Content.ReadAsStringAsync();
        await File.WriteAllTextAsync(DocumentPath, DocumentText);
        foreach (var config in new[] { "redocly.yaml", ".redocly.lint-ignore.yaml" })
        {
            File.Copy(Path.Combine(NodeTools.Directory, config), Path.Combine(directory, config));
        }
    }

    public async Task DisposeAsync()
    {
        await factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(directory, recursive: true);
    }

    private sealed class Factory(string database) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Testing");
            foreach (var (key, value) in TestSilo.ForTest(TestSilo.Sqlite(database), time: null))
            {
                builder.UseSetting(key, value);
            }

            // Demo on, so the document describes /demo too; it makes up its own signing key
            // (demo beside a key of one's own is refused outside Development).
            builder.UseSetting("Demo:Enabled", "true");
            builder.UseSetting("Demo:Floor", "false");
            builder.UseSetting("Demo:CallSimulator", "false");
        }
    }
}
