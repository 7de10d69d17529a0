META
key;value
description;Vote par notes (scoring) sans colonne score
country;France
unit;Lyon
instance;2026
num_projects;2
num_votes;3
budget;60
vote_type;scoring
rule;greedy
min_points;0
max_points;10
currency;EUR
PROJECTS
project_id;cost;name
A;60;Cité par tous, mal noté
B;60;Cité par un, très bien noté
VOTES
voter_id;vote;points
1;B,A;10,1
2;A;2
3;A;1
