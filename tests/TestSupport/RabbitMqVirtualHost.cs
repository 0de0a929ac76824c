using System.Diagnostics;
using System.Text.Json;

namespace HotlineGrains.Testing;

/// <summary>
/// A virtual host of one test's own on the test broker, made with <c>rabbitmqctl</c> through
/// <c>scripts/services.sh rabbitmqctl</c> and deleted afterwards. It starts empty: no exchange or
/// binding that an earlier run (or an earlier version of the service) declared is in it, so what
/// the test finds there is what the service under test declared. A broker that
/// <c>scripts/services.sh</c> does not run fails the test: it never passes by skipping.
/// </summary>
public sealed class RabbitMqVirtualHost : IAsyncDisposable
{
    private RabbitMqVirtualHost(string name, Uri uri)
    {
        Name = name;
        Uri = uri;
    }

    public string Name { get; }

    /// <summary>The test broker's AMQP URI with this virtual host in its path.</summary>
    public Uri Uri { get; }

    public static async Task<RabbitMqVirtualHost> CreateAsync()
    {
        var broker = new Uri(TestServices.RabbitMqUri);
        var name = "hotline_t_" + Guid.NewGuid().ToString("N")[..16];
        var user = broker.UserInfo.Length > 0 ? Uri.UnescapeDataString(broker.UserInfo.Split(':')[0]) : "guest";
        await RabbitMqCtl("add_vhost", name);
        await RabbitMqCtl("set_permissions", "-p", name, user, ".*", ".*", ".*");
        return new RabbitMqVirtualHost(name, new UriBuilder(broker) { Path = "/" + name }.Uri);
    }

    /// <summary>Every exchange in the virtual host, the broker's own (<c>amq.*</c> and the default) included.</summary>
    public async Task<IReadOnlyList<(string Name, string Type)>> ExchangesAsync()
    {
        var rows = await ListAsync("list_exchanges", "name", "type");
        return [.. rows.Select(r => (r["name"], r["type"]))];
    }

    /// <summary>Every binding in the virtual host: from an exchange to a queue or to another exchange.</summary>
    public async Task<IReadOnlyList<RabbitMqBinding>> BindingsAsync()
    {
        var rows = await ListAsync("list_bindings", "source_name", "source_kind", "destination_name", "destination_kind");
        return [.. rows.Select(r => new RabbitMqBinding(r["source_name"], r["destination_name"], r["destination_kind"]))];
    }

    public async ValueTask DisposeAsync() => await RabbitMqCtl("delete_vhost", Name);

    private async Task<List<Dictionary<string, string>>> ListAsync(string command, params string[] columns)
    {
        var json = await RabbitMqCtl(["-q", command, "-p", Name, .. columns, "--formatter", "json"]);
        return [.. JsonDocument.Parse(json).RootElement.EnumerateArray()
            .Select(row => columns.ToDictionary(c => c, c => row.GetProperty(c).GetString() ?? string.Empty))];
    }

    private static async Task<string> RabbitMqCtl(params string[] arguments)
    {
        var script = Path.Combine(Repository.Root, "scripts", "services.sh");
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("rabbitmqctl");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/services.sh rabbitmqctl {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}{await output}\n" +
                "The test broker must be the one scripts/services.sh start runs (as root, so its Erlang cookie can be read).");
        }

        return await output;
    }
}

/// <summary>A binding as <c>rabbitmqctl list_bindings</c> shows it; <see cref="DestinationKind"/> is <c>queue</c> or <c>exchange</c>.</summary>
public sealed record RabbitMqBinding(string Source, string Destination, string DestinationKind);
