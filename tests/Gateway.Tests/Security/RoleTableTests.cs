using HotlineGrains.Testing;
using HotlineGrains.Gateway.Security;

namespace HotlineGrains.Gateway.Tests.Security;

/// <summary>The README's role table is the one in code (<see cref="RoleTable"/>), written from it.</summary>
public sealed class RoleTableTests
{
    private const string Start = "<!-- roles:start -->", End = "<!-- roles:end -->";

    [Fact]
    public void The_role_table_in_the_README_is_the_one_the_gateway_enforces()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md")).ReplaceLineEndings("\n");
        var from = readme.IndexOf(Start, StringComparison.Ordinal);
        var to = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(from >= 0 && to > from, $"README.md has no {Start} … {End} block");

        var written = readme[(from + Start.Length)..to].Trim('\n') + "\n";

        Assert.True(RoleTable.Markdown() == written,
            $"README.md's role table is not RoleTable's; between the markers it should read:\n{RoleTable.Markdown()}");
    }

    [Fact]
    public void Every_operation_names_at_least_one_role_and_only_known_ones()
    {
        Assert.Equal(RoleTable.All.Count, RoleTable.All.Select(p => p.Operation).Distinct(StringComparer.Ordinal).Count());
        Assert.All(RoleTable.All, p =>
        {
            Assert.NotEmpty(p.Roles);
            Assert.Empty(p.Roles.Except(Roles.All));
        });
    }
}
