# Shell set-up for learners in a Shiplab box.
export PS1='\[\e[1;32m\]learner@shiplab\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]# '
export EDITOR=vi
cd /root 2>/dev/null || true
