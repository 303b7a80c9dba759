//! Freed object memory kept for reuse: CPython's object allocator
//! (`Objects/obmalloc.c`) in miniature.
//!
//! Reference counting frees objects one at a time, and the system
//! allocator recycles such memory cheaply. A collection is different: it
//! frees hundreds of objects at once (a young collection frees up to its
//! whole generation), and the program then allocates as many again. glibc
//! keeps only seven freed blocks of a size in its per-thread cache; the
//! rest go through its bins on the way out and on the way back in. Under
//! callgrind that cost W5's rounds (`compare/`: 100 small cycles a round,
//! collected every few rounds) about 110 more instructions per object in
//! `malloc` and `free` than the same rounds with `Rc`, whose objects are
//! freed one by one (docs/performance.md).
//!
//! So the heap keeps freed boxes in free lists by size, and hands them out
//! again before asking the allocator. Only what fits within [`LIMIT`]
//! bytes is kept, per thread (CPython's object allocator keeps memory in
//! arenas of 1 MiB); the rest goes back to the allocator at once, and all
//! of it when the heap is torn down. Boxes allocated or freed with no
//! heap (during thread exit) bypass the pool.

use std::alloc::Layout;
use std::cell::Cell;
use std::ptr::NonNull;

use crate::heap::Heap;

/// Boxes are pooled by size in multiples of 8 bytes, up to this many
/// classes (the largest pooled box is `8 * (CLASSES - 1)` bytes).
const CLASSES: usize = 33;

/// The most bytes a heap keeps in its free lists.
pub(crate) const LIMIT: usize = 1 << 20;

/// A free block: its first word links to the next free block of its
/// class.
struct FreeBlock {
    next: Option<NonNull<FreeBlock>>,
}

/// The heap's free lists.
///
/// Invariant: every block on list `c` is an allocation of the global
/// allocator with layout `(8 * c, 8)` that nothing else points to, with a
/// `FreeBlock` written at its start; `bytes` is the total size of the
/// blocks on the lists, at most [`LIMIT`].
pub(crate) struct Pool {
    free: [Cell<Option<NonNull<FreeBlock>>>; CLASSES],
    bytes: Cell<usize>,
}

/// The free list of boxes of type `B`, if they are pooled: a size that
/// is a multiple of 8 below `8 * CLASSES`, and alignment 8 (every box
/// whose value's alignment is at most 8: the header makes it 8). Blocks
/// of one class are then interchangeable between types.
const fn class<B>() -> Option<usize> {
    let (size, align) = (std::mem::size_of::<B>(), std::mem::align_of::<B>());
    if align == 8 && size % 8 == 0 && size > 0 && size / 8 < CLASSES {
        Some(size / 8)
    } else {
        None
    }
}

impl Pool {
    pub(crate) fn new() -> Self {
        Pool {
            free: [const { Cell::new(None) }; CLASSES],
            bytes: Cell::new(0),
        }
    }

    fn take(&self, c: usize) -> Option<NonNull<u8>> {
        let block = self.free[c].get()?;
        // SAFETY: a block on a list is live and holds a FreeBlock (Pool
        // invariant).
        self.free[c].set(unsafe { block.as_ref() }.next);
        self.bytes.set(self.bytes.get() - 8 * c);
        Some(block.cast())
    }

    /// Keeps `p` if the pool has room, and says whether it did.
    ///
    /// # Safety
    /// `p` is an allocation of the global allocator with layout `(8 * c,
    /// 8)` that nothing else will use.
    unsafe fn put(&self, c: usize, p: NonNull<u8>) -> bool {
        if self.bytes.get() + 8 * c > LIMIT {
            return false;
        }
        let block = p.cast::<FreeBlock>();
        let next = self.free[c].get();
        // SAFETY: the caller gives us the block, 8-aligned and at least 8
        // bytes long (the class of a box is never 0).
        unsafe { block.write(FreeBlock { next }) };
        self.free[c].set(Some(block));
        self.bytes.set(self.bytes.get() + 8 * c);
        true
    }

    /// The bytes kept now (for tests).
    #[cfg(test)]
    pub(crate) fn bytes(&self) -> usize {
        self.bytes.get()
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for c in 1..CLASSES {
            while let Some(p) = self.take(c) {
                // SAFETY: allocated with this layout, and off the list now
                // (Pool invariant).
                unsafe { std::alloc::dealloc(p.as_ptr(), layout(c)) };
            }
        }
    }
}

fn layout(c: usize) -> Layout {
    // 8 is a power of two and 8 * c is far below isize::MAX.
    Layout::from_size_align(8 * c, 8).expect("a pooled size is a valid layout")
}

/// Memory for one `B`: a pooled block of its size if `heap` has one,
/// otherwise a new allocation. Free it with [`free`], with this thread's
/// heap or none.
#[inline]
pub(crate) fn alloc<B>(heap: Option<&Heap>) -> NonNull<B> {
    if let (Some(c), Some(heap)) = (const { class::<B>() }, heap) {
        if let Some(p) = heap.pool.take(c) {
            return p.cast();
        }
    }
    let layout = Layout::new::<B>();
    // SAFETY: `B` is a box type, never zero-sized (it holds a header).
    let p = unsafe { std::alloc::alloc(layout) };
    match NonNull::new(p) {
        Some(p) => p.cast(),
        None => std::alloc::handle_alloc_error(layout),
    }
}

/// Frees memory from [`alloc`]: into `heap`'s pool if it has room,
/// otherwise back to the allocator.
///
/// # Safety
/// `p` came from `alloc::<B>()`, its value is dropped or was never
/// written, and nothing will use it again.
#[inline]
pub(crate) unsafe fn free<B>(heap: Option<&Heap>, p: NonNull<B>) {
    let p = p.cast::<u8>();
    if let (Some(c), Some(heap)) = (const { class::<B>() }, heap) {
        // SAFETY: a block of class `c` is an allocation of layout (8 * c,
        // 8): `alloc` made it with `Layout::new::<B>()`, which is that
        // (see `class`), or took it from the pool, which holds only such.
        if unsafe { heap.pool.put(c, p) } {
            return;
        }
    }
    // SAFETY: allocated with this layout (above), and given up by the caller.
    unsafe { std::alloc::dealloc(p.as_ptr(), Layout::new::<B>()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_size_and_alignment() {
        assert_eq!(class::<[u64; 11]>(), Some(11));
        assert_eq!(class::<[u64; 32]>(), Some(32));
        assert_eq!(class::<[u64; 33]>(), None);
        assert_eq!(class::<[u32; 2]>(), None); // alignment 4
        #[repr(C, align(16))]
        struct Wide {
            _x: u64,
        }
        assert_eq!(class::<Wide>(), None);
        assert_eq!(class::<()>(), None);
    }

    #[test]
    fn a_freed_block_is_reused_for_the_next_box_of_its_size() {
        crate::heap::with(|heap| {
            let a = alloc::<[u64; 7]>(heap);
            // SAFETY: from alloc, unused.
            unsafe { free(heap, a) };
            let b = alloc::<[u64; 7]>(heap);
            assert_eq!(a, b);
            let c = alloc::<[u64; 7]>(heap);
            assert_ne!(b, c);
            // SAFETY: from alloc, unused.
            unsafe { (free(heap, b), free(heap, c)) };
        });
    }

    #[test]
    fn the_pool_keeps_at_most_its_limit() {
        const N: usize = LIMIT / 256 + 100;
        let kept = crate::heap::with(|heap| {
            let blocks: Vec<_> = (0..N).map(|_| alloc::<[u64; 32]>(heap)).collect();
            for b in blocks {
                // SAFETY: from alloc, unused.
                unsafe { free(heap, b) };
            }
            heap.expect("a heap").pool.bytes()
        });
        assert!(kept <= LIMIT, "{kept} bytes kept");
        assert!(kept > LIMIT - 256, "{kept} bytes kept");
    }
}
