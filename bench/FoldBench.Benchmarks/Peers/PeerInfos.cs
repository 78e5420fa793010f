using FoldBench.Results;

namespace FoldBench.Benchmarks.Peers;

/// <summary>A peer as summary.json's peers block records it.</summary>
public static class PeerInfos
{
    public static PeerInfo Describe(string name)
    {
        var peer = PeerRegistry.Create(name);
        return new PeerInfo { Name = peer.Name, Available = peer.Availability is null, Reason = peer.Availability, Notes = new(peer.Notes) };
    }
}
