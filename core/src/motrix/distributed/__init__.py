"""Data-parallel training over processes: who this process is (``world``), how ``--nproc``
starts and watches the processes (``launch``), and the framework-free halves of keeping
ranks in step (``sync``). The collectives themselves are each backend's ``distributed.py``.
"""
