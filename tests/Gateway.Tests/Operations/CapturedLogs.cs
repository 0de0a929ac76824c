using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace HotlineGrains.Gateway.Tests.Operations;

/// <summary>
/// Every log line a gateway under test writes, with the fields of the scopes it was written in
/// (what the JSON console formatter of production writes beside the message).
/// </summary>
public sealed class CapturedLogs : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogLine> lines = new();
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<LogLine> Lines => [.. lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => logs.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var fields = new Dictionary<string, string?>(StringComparer.Ordinal);
            logs.scopes.ForEachScope(
                static (scope, fields) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            fields[key] = value?.ToString();
                        }
                    }
                },
                fields);
            logs.lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), fields));
        }
    }
}

public sealed record LogLine(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, string?> Fields)
{
    public string? this[string field] => Fields.TryGetValue(field, out var value) ? value : null;
}
