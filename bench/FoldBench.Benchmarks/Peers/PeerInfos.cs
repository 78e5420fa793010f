using FoldBench.Kernels;
using FoldBench.Results;

namespace FoldBench.Benchmarks.Peers;

/// <summary>A peer as summary.json's peers block records it.</summary>
public static class PeerInfos
{
    public static PeerInfo Describe(string name)
    {
        var peer = PeerRegistry.Create(name);
        // The precision goes into the notes until summary.json's peer rows carry it as a field of their own.
        var notes = new Dictionary<string, string>(peer.Notes) { ["precision"] = peer.Precision.Name() };
        return new PeerInfo { Name = peer.Name, Available = peer.Availability is null, Reason = peer.Availability, Notes = notes };
    }
}
