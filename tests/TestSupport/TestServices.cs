namespace HotlineGrains.Testing;

/// <summary>
/// The real servers the integration tests use, started by <c>scripts/test.sh</c>
/// (<c>scripts/services.sh start</c> for a developer). A test that needs one and does not find it
/// fails and says how to get it: an integration test never passes by skipping its server.
/// </summary>
public static class TestServices
{
    public const string PostgresVariable = "HOTLINE_TEST_POSTGRES";
    public const string RabbitMqVariable = "HOTLINE_TEST_RABBITMQ";

    public static string PostgresAdmin => Required(PostgresVariable);

    public static string RabbitMqUri => Required(RabbitMqVariable);

    private static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{variable} is not set. Run the tests with scripts/test.sh, or start the servers with " +
                "scripts/services.sh start and eval \"$(scripts/services.sh env)\".");
}
