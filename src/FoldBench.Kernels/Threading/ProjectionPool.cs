using System.Diagnostics;
using System.Runtime.ExceptionServices;
using FoldBench.Kernels.Quantized;

namespace FoldBench.Kernels;

/// <summary>
/// Threads that share one projection at a time (on-device speech models run their projections on 2–4 threads):
/// <see cref="Linear.Project(ReadOnlySpan{float}, int, PackedWeights, Span{float}, bool, ProjectionPool?)"/> splits the
/// output panels into <see cref="Threads"/> contiguous runs of whole tiles; the calling thread runs the first and
/// each worker one of the others. Every thread runs exactly the tiles the single-threaded kernel runs over its
/// panels, so the output is bit for bit the same. <see cref="QuantizedLinear"/> splits its int8 projections the same
/// way, after the calling thread has quantized X's rows into the caller's scratch, which the workers then only read.
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

    // The job: read by the workers after they see a new generation, written by the caller before it bumps it. An fp32
    // job reads X (_x, _ldx) and _w; an int8 job the quantized rows (_rows, _ldx = their padded K, _rowScales) and _q.
    private JobKind _kind;
    private float* _x, _y, _rowScales;
    private byte* _rows;
    private int _m, _ldx, _ldy;
    private bool _accumulate;
    private PackedWeights? _w;
    private QuantizedWeights? _q;

    private enum JobKind { Fp32, Int8, Int8Accumulators }

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

    /// <summary>Runs one fp32 projection over all threads; returns when every share is written.</summary>
    internal void Run(float* x, int m, int ldx, PackedWeights w, float* y, int ldy, bool accumulate)
    {
        Begin();
        try
        {
            _x = x;
            _y = y;
            (_kind, _w, _m, _ldx, _ldy, _accumulate) = (JobKind.Fp32, w, m, ldx, ldy, accumulate);
            Share();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>
    /// Runs one int8 projection over all threads, from rows the caller has already quantized (<paramref name="kp"/> bytes
    /// apart, their scales at <paramref name="scales"/>); <paramref name="raw"/>: the int32 accumulators instead of Y.
    /// </summary>
    internal void Run(byte* rows, int m, int kp, float* scales, QuantizedWeights w, float* y, int ldy, bool accumulate, bool raw)
    {
        Begin();
        try
        {
            _rows = rows;
            _rowScales = scales;
            _y = y;
            (_kind, _q, _m, _ldx, _ldy, _accumulate) = (raw ? JobKind.Int8Accumulators : JobKind.Int8, w, m, kp, ldy, accumulate);
            Share();
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private void Begin()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _running, 1) != 0)
            throw new InvalidOperationException("a ProjectionPool runs one projection at a time (it belongs to one thread)");
    }

    /// <summary>Hands the job in the fields to the workers, runs share 0, and waits for the others.</summary>
    private void Share()
    {
        _failure = null;
        Volatile.Write(ref _pending, Threads - 1);
        Interlocked.Increment(ref _generation);
        if (Volatile.Read(ref _sleepers) > 0)
            lock (_workGate) Monitor.PulseAll(_workGate);
        try
        {
            Execute(0);
        }
        finally
        {
            // The workers read X (or the quantized rows) and W and write Y until they are done: never leave before them.
            AwaitWorkers();
            (_w, _q) = (null, null);
        }
        if (_failure is { } failure) ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>Share <paramref name="index"/> of the current job.</summary>
    private void Execute(int index)
    {
        if (_kind == JobKind.Fp32) Linear.Dispatch(_x, _m, _ldx, _w!, _y, _ldy, _accumulate, index, Threads);
        else QuantizedLinear.Dispatch(_rows, _m, _ldx, _rowScales, _q!, _y, _ldy, _accumulate, _kind == JobKind.Int8Accumulators, index, Threads);
    }

    private void WorkerLoop(int index, long seen)
    {
        while (true)
        {
            seen = AwaitJob(seen);
            if (_disposed) return;
            try
            {
                Execute(index);
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
