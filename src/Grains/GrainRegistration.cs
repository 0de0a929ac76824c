using HotlineGrains.Grains.Projects;
using HotlineGrains.Grains.Tickets;
using HotlineGrains.Silo;

namespace HotlineGrains.Grains;

public static class GrainRegistration
{
    /// <summary>Registers every hotline grain with the silo.</summary>
    public static ISiloBuilder AddHotlineGrains(this ISiloBuilder silo) =>
        silo.AddGrain<ProjectGrain>()
            .AddGrain<Agents.AgentGrain>()
            .AddGrain<Customers.CustomerGrain>()
            .AddGrain<TicketGrain>();
}
