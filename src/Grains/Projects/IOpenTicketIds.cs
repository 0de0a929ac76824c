namespace HotlineGrains.Grains.Projects;

/// <summary>
/// The ids of a project's open tickets as storage has them: the register rows the ticket grains
/// store with their turns (implemented beside the read models, in the silo). A project asks when
/// its calendar or SLA policy changes, rather than keeping every open ticket in its own state,
/// which every intake writes again.
/// </summary>
public interface IOpenTicketIds
{
    Task<IReadOnlyList<string>> OfProjectAsync(string projectId, CancellationToken cancellationToken);
}
