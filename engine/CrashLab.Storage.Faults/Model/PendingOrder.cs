namespace CrashLab.Storage.Faults.Model;

/// <summary>
/// The pending operations in issue order, where taking out any of them costs amortized constant
/// time: a sync settles a few operations of one file or directory, and must not pay for every
/// other file's pending ones (a FUSE daemon's journal holds the whole window, tens of thousands of
/// operations for a program that never syncs a file). A taken-out operation leaves a hole that is
/// closed when the list is next read whole, or once holes outnumber the operations left.
/// </summary>
internal sealed class PendingOrder
{
    /// <summary>Below this many holes the list is never closed up on its own (not worth a pass).</summary>
    private const int HolesKeptAtLeast = 64;

    private readonly List<PendingOp> _ops = [];
    private readonly HashSet<PendingOp> _removed = new(ReferenceEqualityComparer.Instance);

    /// <summary>How many leading entries of <see cref="_ops"/> are known holes.</summary>
    private int _head;

    /// <summary>The operations still pending, oldest first (closes the holes first).</summary>
    public List<PendingOp> Items
    {
        get
        {
            Close();
            return _ops;
        }
    }

    public void Add(PendingOp op) => _ops.Add(op);

    /// <summary>Takes out an operation that is pending.</summary>
    public void Remove(PendingOp op)
    {
        _removed.Add(op);
        if (_removed.Count > HolesKeptAtLeast && _removed.Count * 2 > _ops.Count)
            Close();
    }

    /// <summary>The oldest operation still pending, or null.</summary>
    public PendingOp? Oldest()
    {
        while (_head < _ops.Count && _removed.Contains(_ops[_head]))
            _head++;
        return _head < _ops.Count ? _ops[_head] : null;
    }

    /// <summary>Closes the holes in place, so a reader holding <see cref="Items"/> sees what a plain list would show.</summary>
    private void Close()
    {
        if (_removed.Count == 0)
            return;
        _ops.RemoveAll(_removed.Contains);
        _removed.Clear();
        _head = 0;
    }
}
