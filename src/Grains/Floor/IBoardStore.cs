using HotlineGrains.Grains.Agents;
using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;

namespace HotlineGrains.Grains.Floor;

/// <summary>
/// A board's sources as stored (implemented beside the read models, in the silo): the one place
/// that reads a board from storage, used by a board grain when it activates and by the gateway's
/// reference reader.
/// </summary>
public interface IBoardStore
{
    /// <summary>The project's board sources at <paramref name="now"/>, or null when it is not configured.</summary>
    Task<BoardSources?> LoadAsync(string projectId, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <param name="Floor">The project grain's line and today's counters at the time of reading.</param>
/// <param name="Register">The project's register rows of <see cref="BoardFigures.OpenWindow"/>, newest first.</param>
/// <param name="Agents">The floor rows of the agents serving the project, by work number.</param>
public sealed record BoardSources(
    ProjectSettings Settings,
    ProjectFloor Floor,
    IReadOnlyList<TicketRegisterRow> Register,
    IReadOnlyList<AgentFloorRow> Agents);
