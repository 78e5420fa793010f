using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace FoldBench.Kernels;

/// <summary>
/// Threads that share one projection at a time (on-device speech models run their projections on 2–4 threads):
/// <see cref="Linear.Project(ReadOnlySpan{float}, int, PackedWeights, Span{float}, bool, ProjectionPool?)"/> splits the
/// output panels into <see cref="Threads"/> contiguous runs of whole tiles; the calling thread runs the first and
/// each worker one of the others. Every thread runs exactly the tiles the single-threaded kernel runs over its
/// panels, so the output is bit for bit the same.
/// </summary>
/// <remarks>
/// The handoff allocates nothing: a job is a few fields and a generation number. A waiting worker spins on the
/// generation for <c>spin</c> (a projection follows the last one within microseconds inside a model step, far
/// sooner than a sleeping thread wakes), then sleeps on a monitor; the caller waits for the workers the same way.
/// Each wait pairs a full-fence write with a read on both sides (sleepers count and generation, caller flag and
/// pending count), so a wake-up is never lost. Workers are created (and pinned, by <c>startWorker</c>) once, in the
/// constructor. One projection at a time: the pool belongs to one model on one thread.
/// </remarks>
public sealed unsafe class ProjectionPool : IDisposable
{
    private readonly Thread[] _workers;
    private readonly long _spinTicks;
    private readonly object _workGate = new(), _doneGate = new();

    private long _generation;
    private int _pending, _sleepers, _callerSleeping, _running;
    private volatile bool _disposed;
    private Exception? _failure;

    // The job: read by the workers after they see a new generation, written by the caller before it bumps it.
    private float* _x, _y;
    private int _m, _ldx, _ldy;
    private bool _accumulate;
    private PackedWeights? _w;

    /// <param name="threads">Threads per projection, the caller's included (1: the caller alone, no workers).</param>
    /// <param name="startWorker">
    /// Called on each worker thread (numbered 1 to threads − 1) before its first job: where the caller pins it to a
    /// CPU. Returns null, or why the worker could not start, which fails the constructor.
    /// </param>
    /// <param name="spin">How long a waiting thread spins before it sleeps (default 100 µs).</param>
    public ProjectionPool(int threads, Func<int, string?>? startWorker = null, TimeSpan? spin = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        Threads = threads;
        _spinTicks = (long)((spin ?? TimeSpan.FromMicroseconds(100)).TotalSeconds * Stopwatch.Frequency);
        _workers = new Thread[threads - 1];
        var started = new string?[threads];
        using var ready = new CountdownEvent(threads - 1);
        for (int i = 1; i < threads; i++)
        {
            int index = i;
            _workers[i - 1] = new Thread(() =>
            {
                try
                {
                    started[index] = startWorker?.Invoke(index);
                }
                catch (Exception e)
                {
                    started[index] = e.Message;
                }
                bool ok = started[index] is null;
                // The first generation is read before the constructor can return: read after it, a Run or a Dispose that
                // came first would be missed, and the caller would wait for this worker forever.
                long seen = Volatile.Read(ref _generation);
                ready.Signal();
                if (ok) WorkerLoop(index, seen);
            })
            { IsBackground = true, Name = $"foldbench-projection-{index}" };
            _workers[i - 1].Start();
        }
        ready.Wait();
        if (started.FirstOrDefault(s => s is not null) is { } why)
        {
            Dispose();
            throw new InvalidOperationException($"a projection worker could not start: {why}");
        }
    }

    /// <summary>Threads per projection, the caller's included.</summary>
    public int Threads { get; }

    /// <summary>Runs one projection over all threads; returns when every share is written.</summary>
    internal void Run(float* x, int m, int ldx, PackedWeights w, float* y, int ldy, bool accumulate)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("a ProjectionPool runs one projection at a time (it belongs to one thread)");
        try
        {
            _x = x;
            _y = y;
            (_m, _ldx, _ldy, _accumulate, _w, _failure) = (m, ldx, ldy, accumulate, w, null);
            Volatile.Write(ref _pending, Threads - 1);
            Interlocked.Increment(ref _generation);
            if (Volatile.Read(ref _sleepers) > 0)
                lock (_workGate) Monitor.PulseAll(_workGate);
            try
            {
                Linear.Dispatch(x, m, ldx, w, y, ldy, accumulate, 0, Threads);
            }
            finally
            {
                // The workers read X and W and write Y until they are done: never leave before them.
                AwaitWorkers();
                _w = null;
            }
            if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void WorkerLoop(int index, long seen)
    {
        while (true)
        {
            seen = AwaitJob(seen);
            if (_disposed) return;
            try
            {
                Linear.Dispatch(_x, _m, _ldx, _w!, _y, _ldy, _accumulate, index, Threads);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _failure, e, null);
            }
            if (Interlocked.Decrement(ref _pending) == 0 && Volatile.Read(ref _callerSleeping) != 0)
                lock (_doneGate) Monitor.PulseAll(_doneGate);
        }
    }

    /// <summary>Spins, then sleeps, until the generation moves past <paramref name="seen"/>; returns the new one.</summary>
    private long AwaitJob(long seen)
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        for (int i = 1; ; i++)
        {
            long now = Volatile.Read(ref _generation);
            if (now != seen) return now;
            if ((i & 63) == 0 && Stopwatch.GetTimestamp() > deadline) break;
            Thread.SpinWait(8);
        }
        lock (_workGate)
        {
            Interlocked.Increment(ref _sleepers);
            while (Volatile.Read(ref _generation) == seen) Monitor.Wait(_workGate);
            Interlocked.Decrement(ref _sleepers);
            return Volatile.Read(ref _generation);
        }
    }

    private void AwaitWorkers()
    {
        long deadline = Stopwatch.GetTimestamp() + _spinTicks;
        for (int i = 1; Volatile.Read(ref _pending) != 0; i++)
        {
            if ((i & 63) == 0 && Stopwatch.GetTimestamp() > deadline)
            {
                lock (_doneGate)
                {
                    Interlocked.Exchange(ref _callerSleeping, 1);
                    while (Volatile.Read(ref _pending) != 0) Monitor.Wait(_doneGate);
                    Interlocked.Exchange(ref _callerSleeping, 0);
                }
                return;
            }
            Thread.SpinWait(8);
        }
    }

    /// <summary>Stops and joins the workers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Interlocked.Increment(ref _generation);
        lock (_workGate) Monitor.PulseAll(_workGate);
        foreach (var t in _workers)
            if (t is not null && t.IsAlive && t != Thread.CurrentThread) t.Join();
    }
}
